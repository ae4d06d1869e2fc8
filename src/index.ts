/**
 * optlayers: differentiable optimization layers for TensorFlow.js.
 */
export * from '../solvers/errors.js';
export { init } from './init.js';
export { selectBackend, currentBackend, BACKEND_ENV_VAR, type BackendChoice, type BackendName } from './backend.js';
export { registerLayer, SERIALIZATION_PACKAGE } from './serialization.js';
