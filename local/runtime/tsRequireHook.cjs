'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS require hook */
// Lets Node run this repository's TypeScript sources without a build (used when the runtime is spawned from the
// sources, e.g. by tests): each .ts file is transpiled with the installed TypeScript, and the output is cached
// under node_modules/.cache/local-runtime-ts keyed by a hash of the source, so later processes skip TypeScript.
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');

function findRepoRoot(start) {
  let dir = start;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) return start;
    dir = parent;
  }
  return dir;
}

const repoRoot = findRepoRoot(__dirname);
const cacheDir = path.join(repoRoot, 'node_modules', '.cache', 'local-runtime-ts');
let typescript;
// Part of the cache key, so a TypeScript upgrade or an option change never serves stale output.
const compilerFingerprint = `${require('typescript/package.json').version}:commonjs:es2022:esModuleInterop:inlineSourceMap`;

function transpile(source, filename) {
  const key = crypto.createHash('sha1').update(compilerFingerprint).update('\0').update(filename).update('\0').update(source).digest('hex');
  const cached = path.join(cacheDir, `${key}.js`);
  try {
    return fs.readFileSync(cached, 'utf8');
  } catch {
    // not cached yet
  }
  typescript = typescript || require('typescript');
  const output = typescript.transpileModule(source, {
    fileName: filename,
    compilerOptions: {
      module: typescript.ModuleKind.CommonJS,
      target: typescript.ScriptTarget.ES2022,
      esModuleInterop: true,
      inlineSourceMap: true,
    },
  }).outputText;
  fs.mkdirSync(cacheDir, { recursive: true });
  const temporary = `${cached}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, output);
  fs.renameSync(temporary, cached);
  return output;
}

require.extensions['.ts'] = function compileTypeScript(module, filename) {
  module._compile(transpile(fs.readFileSync(filename, 'utf8'), filename), filename);
};
