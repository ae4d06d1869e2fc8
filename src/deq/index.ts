export * from './deq_options.js';
export { FixedPointMonitor, residualNorms, describeFailure, type FixedPointStats, type FixedPointResult, type FixedPointMap } from './fixed_point_monitor.js';
export { fixedPointIteration } from './fixed_point_iteration.js';
export { anderson, andersonWeights } from './anderson.js';
export { broyden } from './broyden.js';
export { solveFixedPoint } from './solve_fixed_point.js';
export { gradsIsolated } from './tape_isolation.js';
export { cellFromFunction, cellFromLayer, toDeqCell, isLayer, type DeqCell, type DeqCellFn, type DeqCellInput } from './deq_cell.js';
export { deq, deqWithCell, type DeqCallOptions, type DeqResult } from './deq_function.js';
export {
  jacobianFrobeniusEstimate,
  resolveJacobianRegularization,
  type JacobianRegularizationOptions,
  type ResolvedJacobianRegularization,
} from './jacobian_regularization.js';
export { DEQLayer, deqLayer, type DEQLayerArgs, type DeqFunctionCell, type DeqInitializer, type DeqBaseLayerArgs } from './deq_layer.js';
export { applySamplePolicy, checkSamplePolicy, zeroRows, SAMPLE_FAILURE_POLICIES, type SampleFailurePolicy, type SamplePolicyResult } from './sample_policy.js';
export * from './joint/index.js';
