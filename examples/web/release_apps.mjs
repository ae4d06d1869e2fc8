// Builds the esbuild_app as a user's app would be built against the
// *published* package, not the repository sources: with `fromDist` the
// repository's own `npm run build` output (dist/, as packed; `npm test` runs
// test:package, which builds it, just before), otherwise the library
// transpiled by esbuild (no bundling: the same .js files tsc puts in dist/),
// goes into <work>/app/node_modules/optlayers with this package.json, so
// 'optlayers' resolves through the "import" condition of its exports map.
// Then the app is bundled twice, with no optlayers-specific settings:
//   Vite, no config file at all           -> <work>/release-vite
//   esbuild, the documented recipe only   -> <work>/release-esbuild
// Only the peers are linked from this repository's node_modules.
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const LINKED = ['@tensorflow', 'scs-solver', 'fp-ts'];

function sources(folder) {
  return readdirSync(join(repo, folder), { recursive: true })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => join(repo, folder, f));
}

export async function buildReleaseApps(work, { fromDist = false } = {}) {
  const esbuild = await import('esbuild');
  const { build } = await import('vite');
  const app = join(work, 'app');
  const pkg = join(app, 'node_modules', 'optlayers');
  mkdirSync(pkg, { recursive: true });
  copyFileSync(join(repo, 'package.json'), join(pkg, 'package.json'));
  if (fromDist) {
    if (!existsSync(join(repo, 'dist', 'src', 'index.js'))) throw new Error('release apps from dist: dist/ is missing; run `npm run build` first');
    cpSync(join(repo, 'dist'), join(pkg, 'dist'), { recursive: true });
  } else await esbuild.build({
    entryPoints: ['src', 'dsl', 'solvers'].flatMap(sources),
    outdir: join(pkg, 'dist'),
    outbase: repo,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    logLevel: 'warning',
  });
  for (const name of LINKED) symlinkSync(join(repo, 'node_modules', name), join(app, 'node_modules', name), 'dir');
  writeFileSync(join(app, 'package.json'), `${JSON.stringify({ name: 'optlayers-user-app', private: true, type: 'module' })}\n`);
  copyFileSync(join(here, 'esbuild_app', 'main.ts'), join(app, 'main.ts'));
  const html = readFileSync(join(here, 'esbuild_app', 'index.html'), 'utf8');
  writeFileSync(join(app, 'index.html'), html.replace('./main.js', './main.ts'));

  const viteOut = join(work, 'release-vite');
  await build({ root: app, configFile: false, base: './', logLevel: 'error', build: { outDir: viteOut, emptyOutDir: true, chunkSizeWarningLimit: 4096 } });

  const esbuildOut = join(work, 'release-esbuild');
  await esbuild.build({
    entryPoints: [join(app, 'main.ts')],
    outdir: esbuildOut,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    loader: { '.wasm': 'file' },
    external: ['module'],
    logLevel: 'warning',
  });
  copyFileSync(join(here, 'esbuild_app', 'index.html'), join(esbuildOut, 'index.html'));
  return { viteOut, esbuildOut };
}
