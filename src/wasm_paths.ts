import * as tf from '@tensorflow/tfjs';
import { ValueError } from '../solvers/errors.js';
import { setScsWasmUrl } from '../solvers/scs/scs_locate.js';
import { fetchWasmBinary, runsInNode } from '../solvers/scs/scs_locate_fetch.js';
import { rejectUnknownKeys } from './options_check.js';
import { bundledTfjsWasmFiles, TFJS_WASM_FILES, tfjsWasmUrl, type TfjsWasmFile, type TfjsWasmLocation } from './wasm_tfjs_assets.js';

/**
 * Where optlayers' WebAssembly binaries live. Only needed when the defaults
 * do not fit: in Node both are read from node_modules; in a browser bundle
 * built by Vite (no config) or esbuild (`loader: { '.wasm': 'file' }`) they
 * are the assets the bundler emitted. Set it to serve them from elsewhere
 * (a CDN, a `public/` folder).
 */
export interface WasmPaths {
  /** URL of scs-solver's `dist/scs.wasm` (in Node also a file path or `file:` URL). */
  readonly scs?: string | URL;
  /**
   * @tensorflow/tfjs-backend-wasm's binaries, passed to its own
   * `setWasmPaths`: a folder URL ending in `/` that holds all three
   * `tfjs-backend-wasm*.wasm` files, or a map from each of the three file
   * names to its URL. Applied before the wasm backend first initializes.
   */
  readonly tfjs?: TfjsWasmLocation;
}

let tfjsLocation: TfjsWasmLocation | undefined;

function checkTfjsLocation(value: unknown): TfjsWasmLocation {
  if (typeof value === 'string') {
    if (value === '') throw new ValueError('wasmPaths.tfjs must be a non-empty folder URL');
    if (!value.endsWith('/')) throw new ValueError(`wasmPaths.tfjs is a folder prefix and must end in '/' (tfjs appends the file name), got '${value}'`);
    return value;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ValueError(`wasmPaths.tfjs must be a folder URL ending in '/' or a map of ${TFJS_WASM_FILES.join(', ')} to URLs, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`);
  }
  rejectUnknownKeys(value, TFJS_WASM_FILES, 'wasmPaths.tfjs');
  const map = value as Record<string, unknown>;
  for (const file of TFJS_WASM_FILES) {
    const url = map[file];
    if (typeof url !== 'string' || url === '') {
      throw new ValueError(`wasmPaths.tfjs['${file}'] must be a non-empty URL string (tfjs-backend-wasm needs all three files), got ${url === undefined ? 'nothing' : typeof url}`);
    }
  }
  return value as TfjsWasmLocation;
}

/**
 * Sets where optlayers loads its WebAssembly binaries from (see `WasmPaths`).
 * Call before `init()` (or pass `init({ wasmPaths })`): SCS reads it at its
 * next instantiation, the tfjs wasm backend when it first initializes. Keys
 * are validated (`ValueError` names an unknown key or a bad value); an
 * omitted key keeps its current setting.
 */
export function setWasmPaths(paths: WasmPaths): void {
  rejectUnknownKeys(paths, ['scs', 'tfjs'], 'wasmPaths');
  if (paths === undefined || paths === null) throw new ValueError('wasmPaths must be an object, got nothing');
  const tfjs = paths.tfjs === undefined ? undefined : checkTfjsLocation(paths.tfjs);
  if (paths.scs !== undefined) setScsWasmUrl(paths.scs);
  if (tfjs !== undefined) tfjsLocation = tfjs;
}

/**
 * The location to hand to tfjs-backend-wasm's `setWasmPaths`: the configured
 * one, else in a browser the bundler-emitted files, else (Node) none, so tfjs
 * finds them next to its own script as before.
 */
export async function tfjsWasmLocation(): Promise<TfjsWasmLocation | undefined> {
  if (tfjsLocation !== undefined) return tfjsLocation;
  return runsInNode() ? undefined : bundledTfjsWasmFiles();
}

/** A tfjs environment flag, false when it is not registered (tfjs-backend-wasm registers these two). */
async function flag(name: string): Promise<boolean> {
  try {
    return Boolean(await tf.env().getAsync(name));
  } catch {
    return false;
  }
}

/** The binary tfjs-backend-wasm picks here (its `getPathToWasmBinary`): threaded SIMD, SIMD, or plain. */
async function chosenTfjsWasmFile(): Promise<TfjsWasmFile> {
  const [simd, threads] = await Promise.all([flag('WASM_HAS_SIMD_SUPPORT'), flag('WASM_HAS_MULTITHREAD_SUPPORT')]);
  if (simd && threads) return 'tfjs-backend-wasm-threaded-simd.wasm';
  return simd ? 'tfjs-backend-wasm-simd.wasm' : 'tfjs-backend-wasm.wasm';
}

/**
 * After the wasm backend failed to initialize: fetches the binary it asked
 * for (then the other two) and throws `WasmAssetError` naming the first URL
 * that is missing or not WebAssembly. Returns normally when all are
 * reachable (the failure lies elsewhere, e.g. no WebAssembly support).
 */
export async function explainTfjsWasmFailure(): Promise<void> {
  const location = await tfjsWasmLocation();
  if (location === undefined) return;
  const first = await chosenTfjsWasmFile();
  for (const file of [first, ...TFJS_WASM_FILES.filter((f) => f !== first)]) {
    await fetchWasmBinary(tfjsWasmUrl(location, file), 'tfjs-backend-wasm');
  }
}
