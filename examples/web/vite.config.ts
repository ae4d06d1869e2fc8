// Vite config of the browser demo (`npm run demo:web`, `npm run test:browser`).
// The only optlayers-specific line is the resolve condition that maps the
// package name to this repository's TypeScript sources; an app using the
// published package needs no config at all (the .wasm assets are found by
// Vite through `?url` imports inside optlayers).
import { defaultClientConditions, defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  logLevel: 'warn',
  resolve: { conditions: ['optlayers-source', ...defaultClientConditions] },
  build: {
    target: 'es2022',
    // tfjs alone is ~3 MB unminified; the warning would only repeat that.
    chunkSizeWarningLimit: 4096,
    emptyOutDir: true,
  },
});
