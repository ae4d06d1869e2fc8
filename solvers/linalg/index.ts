/**
 * optlayers/solvers/linalg: small dense float64 linear algebra on row-major typed arrays.
 */
export { choleskyInPlace, choleskySolveInPlace, solveLowerInPlace, solveLowerTransposeInPlace, type CholeskyInfo } from './cholesky.js';
export { gramLowerAccumulate, matVec, matTVec, transposeInto, maxAbs, dot } from './dense_kernels.js';
export { luFactor, type LuFactorization } from './lu.js';
export { gmres, lsqr, resolveKrylovOptions, type KrylovOptions, type KrylovResult, type MatVec } from './krylov.js';
