// Preloaded (`node --import`) by `optlayers run` into the user's script process:
// registers bin/resolve_hooks.mjs as an ESM loader hook (after any TypeScript
// loader, so these hooks run first).
import { register } from 'node:module';

register(new URL('./resolve_hooks.mjs', import.meta.url).href);
