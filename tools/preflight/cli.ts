// `npm run preflight -- --url <function app url> [--key …] [--sandbox-customer …]`: see preflight.ts.
import { runPreflight } from './preflight';

runPreflight(process.argv.slice(2), { env: process.env, print: (line) => console.log(line) }).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`Preflight failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
