/**
 * The `optlayers` command line:
 *   optlayers run <script.ts | example-name> [args...]   run a script written against the public API
 *   optlayers examples                                   list the bundled examples
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BUNDLED_EXAMPLES } from './examples_catalog.js';

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

const USAGE = `usage:
  optlayers run <script.ts | example-name> [args...]   run a TypeScript/JavaScript script (it may import 'optlayers', 'optlayers/dsl', 'optlayers/solvers')
  optlayers examples                                   list the bundled examples
  optlayers help                                       this text`;

/** Exit codes: 0 success, 1 the script threw, 2 usage error or missing file. */
function fail(message: string, code: number): never {
  console.error(`optlayers: ${message}`);
  process.exit(code);
}

function listExamples(): void {
  const width = Math.max(...BUNDLED_EXAMPLES.map((e) => e.name.length));
  console.log('bundled examples (run with: npx optlayers run NAME):');
  for (const e of BUNDLED_EXAMPLES) console.log(`  ${e.name.padEnd(width)}  ${e.description}  [${e.file}]`);
}

/** A path to an existing file, or a bundled example's file; exits with code 2 otherwise. */
function resolveScript(target: string): string {
  const asPath = resolve(process.cwd(), target);
  if (existsSync(asPath)) {
    if (!statSync(asPath).isFile()) fail(`'${target}' is a directory, not a script file`, 2);
    return asPath;
  }
  const example = BUNDLED_EXAMPLES.find((e) => e.name === target);
  if (example) return resolve(packageRoot, example.file);
  fail(`no script file '${target}' (looked for ${asPath}) and no bundled example of that name; see 'optlayers examples'`, 2);
}

async function runScript(target: string, args: string[]): Promise<void> {
  const file = resolveScript(target);
  // The script sees itself as the program: argv[1] is its path, its own flags follow.
  process.argv = [process.argv[0]!, file, ...args];
  try {
    await import(pathToFileURL(file).href);
  } catch (error) {
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    fail(`script ${target} failed:\n${detail}`, 1);
  }
}

const [command, ...rest] = process.argv.slice(2);
switch (command) {
  case 'run':
    if (rest.length === 0) fail(`'run' needs a script path or an example name\n${USAGE}`, 2);
    await runScript(rest[0]!, rest.slice(1));
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
