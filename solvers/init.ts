import { ValueError } from './errors.js';
import { loadScs } from './scs/scs_module.js';
import { setScsWasmUrl } from './scs/scs_locate.js';

/** Options of `initSolvers`. */
export interface InitSolversOptions {
  /**
   * Where the solvers' WebAssembly binaries live. `scs`: the URL of
   * scs-solver's `dist/scs.wasm` (in Node also a file path). Default: next to
   * scs-solver in Node; in a browser bundle, the asset the bundler emitted.
   */
  readonly wasmPaths?: { readonly scs?: string | URL };
}

/** Throws a `ValueError` naming the first key of `value` not in `known` (solvers/ cannot use src/'s tfjs-side helper). */
function checkKeys(value: unknown, known: readonly string[], what: string): void {
  if (value === undefined) return;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ValueError(`${what} must be an object, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`);
  }
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) throw new ValueError(`unknown ${what} key '${key}' (known: ${known.join(', ')})`);
  }
}

/**
 * Loads every WASM module the solvers need (currently SCS). Call once at
 * start-up. A binary that cannot be fetched throws `WasmAssetError` naming its URL.
 */
export async function initSolvers(options: InitSolversOptions = {}): Promise<void> {
  checkKeys(options, ['wasmPaths'], 'initSolvers option');
  checkKeys(options.wasmPaths, ['scs'], 'initSolvers wasmPaths');
  if (options.wasmPaths?.scs !== undefined) setScsWasmUrl(options.wasmPaths.scs);
  await loadScs();
}
