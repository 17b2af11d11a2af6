/** Parses `--name value` command-line options, refusing unknown names and non-numeric numbers with a clear message. */
export type OptionSpec = Record<string, 'string' | 'number'>;

export function parseCliOptions<T extends OptionSpec>(argv: string[], spec: T, usage: string): Partial<Record<keyof T, string | number>> {
  const options: Partial<Record<keyof T, string | number>> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      console.log(usage);
      process.exit(0);
    }
    const name = arg.replace(/^--/, '');
    const kind = spec[name];
    const value = argv[i + 1];
    if (!arg.startsWith('--') || kind === undefined) throw new Error(`Unknown option ${JSON.stringify(arg)}.\n${usage}`);
    if (value === undefined) throw new Error(`Option --${name} needs a value.\n${usage}`);
    if (kind === 'number') {
      const number = Number(value);
      if (!Number.isInteger(number) || number < 0) throw new Error(`Option --${name} expects a non-negative integer, got ${JSON.stringify(value)}.`);
      (options as Record<string, unknown>)[name] = number;
    } else {
      (options as Record<string, unknown>)[name] = value;
    }
    i++;
  }
  return options;
}
