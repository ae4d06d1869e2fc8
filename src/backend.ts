import * as tf from '@tensorflow/tfjs';
import { ValueError } from '../solvers/errors.js';

/** Backends optlayers knows how to pick, in order of preference. */
export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';

export interface BackendChoice {
  /** The tfjs backend name now active (`tensorflow`, `wasm`, `cpu`, ...). */
  readonly backend: string;
  /** Which package provided it. */
  readonly source: string;
  /** Why this one was chosen. */
  readonly reason: string;
}

/** Environment variable that overrides the automatic choice. */
export const BACKEND_ENV_VAR = 'OPTLAYERS_BACKEND';

const ORDER: readonly BackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

async function tryActivate(name: BackendName): Promise<BackendChoice | undefined> {
  try {
    switch (name) {
      case 'tensorflow-gpu':
        // Optional peer dependencies: present only when the user installed them.
        await import(/* @vite-ignore */ '@tensorflow/tfjs-node-gpu' as string);
        return (await tf.setBackend('tensorflow')) ? { backend: 'tensorflow', source: '@tensorflow/tfjs-node-gpu', reason: '' } : undefined;
      case 'tensorflow':
        await import(/* @vite-ignore */ '@tensorflow/tfjs-node' as string);
        return (await tf.setBackend('tensorflow')) ? { backend: 'tensorflow', source: '@tensorflow/tfjs-node', reason: '' } : undefined;
      case 'wasm':
        await import('@tensorflow/tfjs-backend-wasm');
        return (await tf.setBackend('wasm')) ? { backend: 'wasm', source: '@tensorflow/tfjs-backend-wasm', reason: '' } : undefined;
      case 'cpu':
        return (await tf.setBackend('cpu')) ? { backend: 'cpu', source: '@tensorflow/tfjs', reason: '' } : undefined;
    }
  } catch {
    return undefined;
  }
}

let current: BackendChoice | undefined;

/**
 * Selects and activates the TensorFlow.js backend: `@tensorflow/tfjs-node-gpu`,
 * then `@tensorflow/tfjs-node` when installed, else the wasm backend, else cpu.
 * `prefer` (or the `OPTLAYERS_BACKEND` environment variable) forces one; an
 * unavailable forced backend throws. Idempotent unless `prefer` changes.
 */
export async function selectBackend(prefer?: BackendName): Promise<BackendChoice> {
  const env = typeof process !== 'undefined' ? process.env[BACKEND_ENV_VAR] : undefined;
  const forced = prefer ?? (env ? (env as BackendName) : undefined);
  if (forced !== undefined) {
    if (!ORDER.includes(forced)) {
      throw new ValueError(`unknown backend '${forced}' (from ${prefer ? 'option' : BACKEND_ENV_VAR}); choose one of ${ORDER.join(', ')}`);
    }
    if (current && current.reason.startsWith(`forced ${forced}`)) return current;
    const got = await tryActivate(forced);
    if (!got) throw new ValueError(`backend '${forced}' was requested but could not be activated (is its package installed?)`);
    current = { ...got, reason: `forced ${forced} by ${prefer ? 'option' : BACKEND_ENV_VAR}` };
    return current;
  }
  if (current) return current;
  for (const name of ORDER) {
    const got = await tryActivate(name);
    if (got) {
      current = { ...got, reason: `first available of ${ORDER.join(' > ')}` };
      return current;
    }
  }
  throw new ValueError('no TensorFlow.js backend could be activated');
}

/** The last choice made by `selectBackend`, if any. */
export function currentBackend(): BackendChoice | undefined {
  return current;
}
