import { initSolvers } from '../solvers/init.js';
import { rejectUnknownKeys } from './options_check.js';
import { selectBackend, type BackendChoice, type BackendName } from './backend.js';
import { setWasmPaths, type WasmPaths } from './wasm_paths.js';

/** Options of `init`. */
export interface InitOptions {
  /** The tfjs backend to activate (see `selectBackend`); default: keep the active one, else the best available. */
  readonly backend?: BackendName;
  /**
   * Where the WebAssembly binaries live (see `WasmPaths`); default: next to
   * their packages in Node, the bundler's emitted assets in a browser.
   */
  readonly wasmPaths?: WasmPaths;
}

/**
 * One call to get ready: applies `wasmPaths`, picks the tfjs backend (see
 * `selectBackend`: an explicit `backend` wins, a backend the user already
 * activated is kept, else the best available one), checks a single tfjs copy
 * is loaded, and loads the solver WASM modules. Returns the backend choice so
 * callers can report it (`kept: true` when the user's backend was left in
 * place). A WebAssembly binary that cannot be fetched throws `WasmAssetError`
 * naming its URL.
 */
export async function init(options: InitOptions = {}): Promise<BackendChoice> {
  rejectUnknownKeys(options, ['backend', 'wasmPaths'], 'init option');
  if (options.wasmPaths !== undefined) setWasmPaths(options.wasmPaths);
  const [choice] = await Promise.all([selectBackend(options.backend), initSolvers()]);
  return choice;
}
