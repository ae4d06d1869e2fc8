/**
 * optlayers/solvers/qp: batched float64 QP interior point method (OptNet form
 * and OSQP form) with implicit-differentiation backward passes.
 */
export type { QpArgument, QpBatch, QpOptions, QpSolution, QpGradients, QpBackwardResult, QpResult } from './qp_types.js';
export { resolveQpOptions, type ResolvedQpOptions } from './qp_options.js';
export { solveQpBatch } from './solve_qp_batch.js';
export { validateQpBatch } from './qp_validate.js';
export { solveOsqpForm, type OsqpBatch, type OsqpGradients, type OsqpResult } from './osqp_form.js';
export { startQpWorkers, availableQpThreads, lastQpWorkerShare } from './qp_worker_pool.js';
