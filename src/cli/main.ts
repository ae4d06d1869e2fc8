/**
 * The `optlayers` command line:
 *   optlayers run <script.ts | example-name> [args...]   run a script written against the public API
 *   optlayers examples                                   list the bundled examples
 * Scripts run in a child process (see script_runner.ts): .js/.mjs always,
 * TypeScript with tsx when installed, else Node's type stripping (>= 22.6).
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUNDLED_EXAMPLES, missingRequirements } from './examples_catalog.js';
import { runScriptFile } from './script_runner.js';

/** The folder of optlayers' package.json: two levels up from src/cli, three from dist/src/cli. */
function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    dir = dirname(dir);
    if (existsSync(resolve(dir, 'package.json')) && existsSync(resolve(dir, 'bin', 'optlayers.mjs'))) return dir;
  }
  throw new Error('optlayers: cannot find the package root');
}

const packageRoot = findPackageRoot();
/** Running from a source checkout (the TypeScript CLI itself), not from an installed package. */
const fromSource = fileURLToPath(import.meta.url).endsWith('.ts');

const USAGE = `usage:
  optlayers run <script.ts | example-name> [args...]   run a TypeScript/JavaScript script (it may import 'optlayers', 'optlayers/dsl', 'optlayers/solvers')
  optlayers examples                                   list the bundled examples
  optlayers help                                       this text
TypeScript scripts run with tsx when it is installed (your project or next to optlayers), else with Node's own
type stripping (Node >= 22.6); .js and .mjs scripts always run.`;

/** Exit codes: 0 success, 1 the script threw, 2 usage error or missing file. */
function fail(message: string, code: number): never {
  console.error(`optlayers: ${message}`);
  process.exit(code);
}

function listExamples(): void {
  const width = Math.max(...BUNDLED_EXAMPLES.map((e) => e.name.length));
  const shipped = BUNDLED_EXAMPLES.some((e) => existsSync(resolve(packageRoot, e.file)));
  console.log(
    shipped
      ? 'bundled examples (run with: npx optlayers run NAME):'
      : 'examples (in the optlayers repository, not shipped in the npm package; run them from a clone with: npx optlayers run NAME):',
  );
  for (const e of BUNDLED_EXAMPLES) {
    const needs = e.requires?.length ? `  (needs npm package${e.requires.length > 1 ? 's' : ''} ${e.requires.join(', ')}: npm install ${e.requires.join(' ')})` : '';
    console.log(`  ${e.name.padEnd(width)}  ${e.description}  [${e.file}]${needs}`);
  }
}

/** A path to an existing file, or a bundled example's file; exits with code 2 otherwise. */
function resolveScript(target: string): string {
  const asPath = resolve(process.cwd(), target);
  if (existsSync(asPath)) {
    if (!statSync(asPath).isFile()) fail(`'${target}' is a directory, not a script file`, 2);
    return asPath;
  }
  const example = BUNDLED_EXAMPLES.find((e) => e.name === target);
  if (example) {
    const file = resolve(packageRoot, example.file);
    if (existsSync(file)) {
      const missing = missingRequirements(example, [process.cwd(), packageRoot]);
      if (missing.length > 0) fail(`example '${target}' needs the npm package${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, not installed: run \`npm install ${missing.join(' ')}\``, 2);
      return file;
    }
    fail(`example '${target}' is not shipped in the npm package; run it from a clone of the optlayers repository (${example.file})`, 2);
  }
  fail(`no script file '${target}' (looked for ${asPath}) and no bundled example of that name; see 'optlayers examples'`, 2);
}

/** Runs the script in its own Node process (argv[1] is its path, its own flags follow) and exits with its status. */
function runScript(target: string, args: string[]): void {
  const file = resolveScript(target);
  const r = runScriptFile(file, args, packageRoot, fromSource);
  if ('error' in r) fail(r.error, 2);
  if (r.status !== 0) fail(`script ${target} failed (exit code ${r.status}); its error is printed above`, 1);
}

const [command, ...rest] = process.argv.slice(2);
switch (command) {
  case 'run':
    if (rest.length === 0) fail(`'run' needs a script path or an example name\n${USAGE}`, 2);
    // `optlayers run NAME -- --flag v` (the npm habit): the separator is ours, not the script's.
    runScript(rest[0]!, rest[1] === '--' ? rest.slice(2) : rest.slice(1));
    break;
  case 'examples':
    listExamples();
    break;
  case undefined:
  case 'help':
  case '--help':
  case '-h':
    console.log(USAGE);
    break;
  default:
    fail(`unknown command '${command}'\n${USAGE}`, 2);
}
