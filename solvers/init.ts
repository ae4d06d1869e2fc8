import { loadScs } from './scs/scs_module.js';

/** Loads every WASM module the solvers need (currently SCS). Call once at start-up. */
export async function initSolvers(): Promise<void> {
  await loadScs();
}
