/**
 * How `optlayers run` starts a user script: a child Node process with the
 * flags the script's language needs, optlayers' loader hooks
 * (bin/resolve_hooks.mjs: TypeScript entries run as ES modules, bare imports
 * fall back to optlayers' own installation) and NODE_PATH for `require`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** How a TypeScript script will be run, or why it cannot be. */
export type TypeScriptRunner =
  | { readonly kind: 'tsx'; readonly loader: string }
  | { readonly kind: 'node'; readonly flags: readonly string[] }
  | { readonly kind: 'none'; readonly message: string };

const TS_EXTENSIONS = /\.(ts|mts|cts)$/;

/** Node's built-in type stripping: flag-free from 22.18 / 23.6, behind `--experimental-strip-types` from 22.6. */
export function nodeTypeStrippingFlags(version: string = process.versions.node): readonly string[] | null {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major > 23 || (major === 23 && minor >= 6) || (major === 22 && minor >= 18)) return [];
  if (major === 23 || (major === 22 && minor >= 6)) return ['--experimental-strip-types'];
  return null;
}

/** `tsx/esm` resolved from each folder in turn (the user's project first, then optlayers' installation). */
function findTsx(fromDirs: readonly string[]): string | undefined {
  for (const dir of fromDirs) {
    try {
      return pathToFileURL(createRequire(join(dir, 'noop.js')).resolve('tsx/esm')).href;
    } catch {
      // not installed there
    }
  }
  return undefined;
}

/** Picks tsx when installed (user's project or ours), else Node's type stripping, else explains what to install. */
export function typeScriptRunner(scriptDir: string, packageRoot: string, nodeVersion?: string): TypeScriptRunner {
  const tsx = findTsx([scriptDir, packageRoot]);
  if (tsx) return { kind: 'tsx', loader: tsx };
  const flags = nodeTypeStrippingFlags(nodeVersion);
  if (flags) return { kind: 'node', flags };
  return {
    kind: 'none',
    message:
      `running a TypeScript script needs tsx on Node ${nodeVersion ?? process.versions.node} ` +
      '(Node >= 22.6 can strip types itself): install it next to your script with `npm install --save-dev tsx`, ' +
      'or compile the script to .js / .mjs, which always runs',
  };
}

/** Folders for NODE_PATH so `require('optlayers')` in a CommonJS script resolves to this installation. */
function nodePath(packageRoot: string): string {
  const dirs = [join(packageRoot, 'node_modules')];
  const parent = dirname(packageRoot);
  if (parent.endsWith('node_modules')) dirs.push(parent);
  else if (dirname(parent).endsWith('node_modules')) dirs.push(dirname(parent)); // scoped install
  if (process.env.NODE_PATH) dirs.push(process.env.NODE_PATH);
  return dirs.join(delimiter);
}

/**
 * Runs `file` with `args` in a child process and returns its exit status, or a
 * message when it cannot start. `devConditions` adds `--conditions=optlayers-source`
 * (source checkout: 'optlayers' resolves to the TypeScript sources).
 */
export function runScriptFile(
  file: string,
  args: readonly string[],
  packageRoot: string,
  devConditions: boolean,
): { status: number } | { error: string } {
  const flags: string[] = devConditions ? ['--conditions=optlayers-source'] : [];
  // From a source checkout 'optlayers' itself resolves to .ts files, so even a .js script needs the TypeScript loader.
  if (TS_EXTENSIONS.test(file) || devConditions) {
    const runner = typeScriptRunner(dirname(file), packageRoot);
    if (runner.kind === 'none') return { error: runner.message };
    if (runner.kind === 'tsx') flags.push('--import', runner.loader);
    else flags.push(...runner.flags);
  }
  const hooks = pathToFileURL(join(packageRoot, 'bin', 'register_hooks.mjs')).href;
  if (existsSync(join(packageRoot, 'bin', 'register_hooks.mjs'))) flags.push('--import', hooks);
  const r = spawnSync(process.execPath, [...flags, file, ...args], {
    stdio: 'inherit',
    env: {
      ...process.env,
      OPTLAYERS_RUN_ENTRY: pathToFileURL(file).href,
      OPTLAYERS_RUN_PACKAGE: pathToFileURL(join(packageRoot, 'package.json')).href,
      NODE_PATH: nodePath(packageRoot),
    },
  });
  if (r.error) return { error: `could not start node: ${r.error.message}` };
  return { status: r.status ?? 1 };
}
