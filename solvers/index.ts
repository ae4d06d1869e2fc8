/**
 * optlayers/solvers: float64 numerical engines with no TensorFlow.js dependency.
 */
export * from './errors.js';
export * from './status.js';
export * from './sparse/index.js';
export * from './cone_program.js';
export * from './scs/index.js';
export * from './init.js';
export * from './linalg/index.js';
export * from './qp/index.js';
export * from './cones/index.js';
export * from './cone_derivative/index.js';
