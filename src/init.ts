import { initSolvers } from '../solvers/init.js';
import { rejectUnknownKeys } from './options_check.js';
import { selectBackend, type BackendChoice, type BackendName } from './backend.js';

/**
 * One call to get ready: picks the tfjs backend (see `selectBackend`: an
 * explicit `backend` wins, a backend the user already activated is kept, else
 * the best installed one), checks a single tfjs copy is loaded, and loads the
 * solver WASM modules. Returns the backend choice so callers can report it
 * (`kept: true` when the user's backend was left in place).
 */
export async function init(options: { backend?: BackendName } = {}): Promise<BackendChoice> {
  rejectUnknownKeys(options, ['backend'], 'init option');
  const [choice] = await Promise.all([selectBackend(options.backend), initSolvers()]);
  return choice;
}
