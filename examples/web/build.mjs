// Builds the two browser bundles the demo and the browser test serve:
//   buildDemo(outDir)      the Vite demo page (examples/web/vite.config.ts)
//   buildEsbuildApp(outDir) the minimal esbuild app with the documented recipe
// Both resolve 'optlayers' to this repository's sources through the
// `optlayers-source` condition (an app using the published package drops it).
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

export async function buildDemo(outDir) {
  const { build } = await import('vite');
  await build({ configFile: join(here, 'vite.config.ts'), build: { outDir: resolve(outDir) } });
}

export async function buildEsbuildApp(outDir) {
  const esbuild = await import('esbuild');
  mkdirSync(outDir, { recursive: true });
  const result = await esbuild.build({
    entryPoints: [join(here, 'esbuild_app', 'main.ts')],
    outdir: outDir,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    // The documented recipe: emit the .wasm files, leave scs-solver's Node-only import("module").
    loader: { '.wasm': 'file' },
    external: ['module'],
    // Only because this app lives inside the optlayers repository itself.
    conditions: ['optlayers-source'],
    logLevel: 'warning',
  });
  copyFileSync(join(here, 'esbuild_app', 'index.html'), join(outDir, 'index.html'));
  return result;
}
