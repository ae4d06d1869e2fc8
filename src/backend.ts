import * as tf from '@tensorflow/tfjs';
import { OptlayersError, ValueError } from '../solvers/errors.js';
import { runsInNode, WasmAssetError } from '../solvers/scs/scs_locate_fetch.js';
import { explainTfjsWasmFailure, tfjsWasmLocation } from './wasm_paths.js';

/** Backends optlayers can load by itself (importing their package), in order of preference. */
export type KnownBackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';

/**
 * A backend to activate: one optlayers can load itself (`KnownBackendName`) or
 * the name of any backend already registered with tfjs, e.g. `webgl` or
 * `webgpu` after `import '@tensorflow/tfjs-backend-webgpu'`.
 */
export type BackendName = KnownBackendName | (string & {});

/** Which tfjs backend `init()` / `selectBackend()` activated, and why. */
export interface BackendChoice {
  /** The tfjs backend name now active (`tensorflow`, `wasm`, `cpu`, `webgl`, ...). */
  readonly backend: string;
  /** Which package provided it (`registered` when optlayers did not load it). */
  readonly source: string;
  /** Why this one is active: forced, kept because it was already active, or the first available. */
  readonly reason: string;
  /** True when the backend was already active before optlayers was asked, and optlayers left it alone. */
  readonly kept: boolean;
}

/**
 * Two copies of `@tensorflow/tfjs-core` are loaded. tfjs keeps one global
 * engine, so the second copy silently shares it while its own `Tensor` class
 * differs from the one the engine creates: kernels are registered twice
 * ("kernel already registered") and gradients fail with opaque customGrad
 * errors. Fixed by installing a single tfjs (optlayers lists it as a peer).
 */
export class TfjsDuplicateError extends OptlayersError {}

/** Environment variable that overrides the automatic choice (any name `selectBackend` accepts). */
export const BACKEND_ENV_VAR = 'OPTLAYERS_BACKEND';

const ORDER: readonly KnownBackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

/**
 * The automatic order in a browser (or web worker): webgl when the GPU allows
 * (registered by @tensorflow/tfjs), else wasm, else cpu. The Node packages
 * are not tried there: they cannot load and would only cost failed fetches.
 */
const BROWSER_ORDER: readonly string[] = ['webgl', 'wasm', 'cpu'];

/**
 * The Node backends' packages, imported through a variable: bundlers leave a
 * non-literal `import()` alone instead of failing on a peer the app does not have.
 */
const NODE_PACKAGES: Readonly<Record<'tensorflow-gpu' | 'tensorflow', string>> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
};

/** tfjs keeps each initialized backend instance in `engine().registry`. */
function isInitialized(name: string): boolean {
  return (tf.engine() as unknown as { registry: Record<string, unknown> }).registry[name] != null;
}

/**
 * Points tfjs-backend-wasm at its binaries (the `wasmPaths.tfjs` setting, or
 * in a browser the bundler-emitted files) before it first initializes; its
 * own default, the folder of the running script, is wrong inside a bundle.
 */
async function configureTfjsWasm(setWasmPaths: (location: string | Record<string, string>) => void): Promise<void> {
  if (isInitialized('wasm')) return;
  const location = await tfjsWasmLocation();
  if (location !== undefined) setWasmPaths(location as string | Record<string, string>);
}

/** Imports the package that registers a known backend; the optional ones are peers the user may not have. */
async function loadKnown(name: KnownBackendName): Promise<string> {
  switch (name) {
    case 'tensorflow-gpu':
    case 'tensorflow':
      await import(/* @vite-ignore */ NODE_PACKAGES[name]);
      return NODE_PACKAGES[name];
    case 'wasm': {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      await configureTfjsWasm(wasm.setWasmPaths);
      return '@tensorflow/tfjs-backend-wasm';
    }
    case 'cpu':
      return '@tensorflow/tfjs';
  }
}

/** The tfjs name a known backend registers under (both node packages register `tensorflow`). */
function tfjsName(name: BackendName): string {
  return name === 'tensorflow-gpu' ? 'tensorflow' : name;
}

function isKnown(name: string): name is KnownBackendName {
  return (ORDER as readonly string[]).includes(name);
}

/**
 * Loads (known names) and activates a backend; `undefined` when it is not
 * available here. A wasm backend whose binary cannot be fetched is not "not
 * available" but a broken deployment: that throws `WasmAssetError` naming the URL.
 */
async function tryActivate(name: string): Promise<Omit<BackendChoice, 'reason' | 'kept'> | undefined> {
  let source = 'registered';
  try {
    if (isKnown(name)) source = await loadKnown(name);
    else if (tf.findBackendFactory(name) == null) return undefined;
  } catch (err) {
    if (err instanceof WasmAssetError) throw err;
    return undefined;
  }
  let ok = false;
  try {
    ok = await tf.setBackend(tfjsName(name));
  } catch {
    ok = false;
  }
  if (ok) return { backend: tfjsName(name), source };
  if (name === 'wasm') await explainTfjsWasmFailure();
  return undefined;
}

/** Names of the backends registered with the tfjs engine. */
export function registeredBackends(): string[] {
  return Object.keys(tf.engine().registryFactory);
}

/**
 * Activates a backend the caller asked for by name: a known one is loaded
 * first; any other must already be registered. Throws a `ValueError` saying
 * what to install or import otherwise.
 */
async function activateForced(name: string, origin: string): Promise<Omit<BackendChoice, 'reason' | 'kept'>> {
  if (isKnown(name)) {
    const got = await tryActivate(name);
    if (got) return got;
    throw new ValueError(
      `backend '${name}' (from ${origin}) could not be activated: install its package (${name === 'cpu' ? '@tensorflow/tfjs' : `@tensorflow/tfjs-${name === 'wasm' ? 'backend-wasm' : name === 'tensorflow' ? 'node' : 'node-gpu'}`}) next to optlayers`,
    );
  }
  if (tf.findBackendFactory(name) == null) {
    throw new ValueError(
      `unknown backend '${name}' (from ${origin}): it is not registered with tfjs (registered: ${registeredBackends().join(', ') || 'none'}). ` +
        `Import its package before init(), e.g. import '@tensorflow/tfjs-backend-${name}', or use one of ${ORDER.join(', ')}`,
    );
  }
  let ok = false;
  try {
    ok = await tf.setBackend(name);
  } catch {
    ok = false;
  }
  if (!ok) throw new ValueError(`backend '${name}' (from ${origin}) is registered but failed to initialize in this environment`);
  return { backend: name, source: 'registered' };
}

/**
 * The backend already active in the shared tfjs engine, without starting one:
 * `tf.getBackend()` would initialize the best registered backend as a side
 * effect, so the engine's field is read instead.
 */
function activeBackendName(): string | undefined {
  const name = (tf.engine() as unknown as { backendName?: string | null }).backendName;
  return name ? name : undefined;
}

/**
 * Throws `TfjsDuplicateError` when the tfjs engine was created by another copy
 * of `@tensorflow/tfjs-core` than the one optlayers imports. tfjs overrides
 * `instanceof Tensor` with a duck-typed check (to tolerate copies), so the
 * prototype is compared instead: a tensor made through our copy's ops comes
 * from the engine's copy's Tensor class.
 */
export function assertSingleTfjs(): void {
  const probe = tf.scalar(0);
  const sameCopy = Object.getPrototypeOf(probe) === tf.Tensor.prototype;
  probe.dispose();
  if (sameCopy) return;
  throw new TfjsDuplicateError(
    `two copies of @tensorflow/tfjs-core are loaded: optlayers uses tfjs-core ${tf.version_core}, but the tfjs engine was created by another copy. ` +
      'Tensors from one copy break gradients in the other (opaque customGrad errors, "kernel already registered" warnings). ' +
      'Install a single TensorFlow.js: optlayers lists @tensorflow/tfjs as a peer dependency, so align the versions your app and its ' +
      'dependencies ask for, then run `npm ls @tensorflow/tfjs-core` (it must show one version, deduped) or `npm dedupe`; with a bundler, alias @tensorflow/tfjs-core to one path.',
  );
}

let current: BackendChoice | undefined;

/**
 * Selects and activates the TensorFlow.js backend, in this order of authority:
 * 1. `prefer`, else the `OPTLAYERS_BACKEND` environment variable: a known name
 *    (`tensorflow-gpu`, `tensorflow`, `wasm`, `cpu`; its package is imported)
 *    or any registered backend (`webgl`, `webgpu`, ...); unknown or
 *    unavailable throws a `ValueError`.
 * 2. A backend already active (the user called `tf.setBackend`, or tfjs
 *    started one): kept, and `kept: true` says so.
 * 3. Otherwise the first available of `@tensorflow/tfjs-node-gpu`,
 *    `@tensorflow/tfjs-node`, the wasm backend, cpu (in Node); of webgl,
 *    wasm, cpu (in a browser). The wasm backend's binaries come from
 *    `wasmPaths.tfjs` or, in a browser bundle, the bundler's emitted files;
 *    one that cannot be fetched throws `WasmAssetError` naming its URL.
 * Then checks that a single copy of tfjs is loaded (`TfjsDuplicateError`).
 */
export async function selectBackend(prefer?: BackendName): Promise<BackendChoice> {
  const env = typeof process !== 'undefined' ? process.env?.[BACKEND_ENV_VAR] : undefined;
  const forced = prefer ?? (env ? env : undefined);
  const origin = prefer !== undefined ? 'option' : BACKEND_ENV_VAR;
  if (forced !== undefined) {
    if (typeof forced !== 'string' || forced === '') throw new ValueError(`backend must be a non-empty string (from ${origin}), got ${String(forced)}`);
    if (!(current && current.reason.startsWith(`forced ${forced} `) && activeBackendName() === current.backend)) {
      const got = await activateForced(forced, origin);
      current = { ...got, reason: `forced ${forced} by ${origin}`, kept: false };
    }
  } else {
    const active = activeBackendName();
    if (current && active === current.backend) {
      // Our own earlier choice is still active: idempotent.
    } else if (active) {
      current = {
        backend: active,
        source: 'registered',
        reason: `kept '${active}', already active before optlayers selected a backend (pass { backend } to init() or set ${BACKEND_ENV_VAR} to switch)`,
        kept: true,
      };
    } else {
      let found: BackendChoice | undefined;
      const order = runsInNode() ? ORDER : BROWSER_ORDER;
      for (const name of order) {
        const got = await tryActivate(name);
        if (got) {
          found = { ...got, reason: `first available of ${order.join(' > ')}`, kept: false };
          break;
        }
      }
      if (!found) throw new ValueError('no TensorFlow.js backend could be activated');
      current = found;
    }
  }
  assertSingleTfjs();
  return current;
}

/** The last choice made by `selectBackend`, if any. */
export function currentBackend(): BackendChoice | undefined {
  return current;
}
