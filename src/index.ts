/**
 * optlayers: differentiable optimization layers for TensorFlow.js.
 */
export * from '../solvers/errors.js';
export { init } from './init.js';
export {
  selectBackend,
  currentBackend,
  registeredBackends,
  assertSingleTfjs,
  TfjsDuplicateError,
  BACKEND_ENV_VAR,
  type BackendChoice,
  type BackendName,
  type KnownBackendName,
} from './backend.js';
export { registerLayer, SERIALIZATION_PACKAGE, storeName, readName, restoreEnum, type StoredName } from './serialization.js';
export { ITERATION_CAPS, MAX_LAYER_WIDTH, MAX_HIDDEN_LAYERS, MAX_QP_SIZE, rejectUnknownKeys } from './options_check.js';
export * from './deq/index.js';
export * from './mondeq/index.js';
export * from './icnn/index.js';
export * from './stable/index.js';
export * from './convex/index.js';
export * as dsl from '../dsl/index.js';
export * from './qp/index.js';
