/**
 * optlayers: differentiable optimization layers for TensorFlow.js.
 */
export * from '../solvers/errors.js';
export { init, type InitOptions } from './init.js';
export { setWasmPaths, type WasmPaths } from './wasm_paths.js';
export { TFJS_WASM_FILES, type TfjsWasmFile, type TfjsWasmLocation } from './wasm_tfjs_assets.js';
export { WasmAssetError, type WasmAsset } from '../solvers/scs/scs_locate_fetch.js';
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
export { registerLayer, SERIALIZATION_PACKAGE, storeName, readName, restoreEnum, type StoredName, type SerializableCtor } from './serialization.js';
export { ITERATION_CAPS, MAX_LAYER_WIDTH, MAX_HIDDEN_LAYERS, MAX_QP_SIZE, rejectUnknownKeys } from './options_check.js';
export * from './deq/index.js';
export * from './mondeq/index.js';
export * from './icnn/index.js';
export * from './stable/index.js';
export * from './convex/index.js';
export * as dsl from '../dsl/index.js';
export * from './qp/index.js';
export * from './robust/index.js';
