/**
 * optlayers convex layers: differentiable convex optimization layers over the
 * DPP DSL (Agrawal et al., "Differentiable Convex Optimization Layers", 2019).
 */
export { ConvexLayer, convexLayer, type ConvexLayerConfig, type ConvexLayerArgs, type ConvexLayerInput, type ProblemRef, type DualRef } from './convex_layer.js';
export { ConvexTensorMap, type ConvexTensorMapConfig } from './convex_tensor_map.js';
export {
  ConvexProgramLayer,
  convexProgramLayer,
  type ConvexProgramLayerArgs,
} from './convex_program_layer.js';
export type { WeightInitializer, StoredWeightParameter } from './weight_parameters.js';
export type { ConvexProblem } from './problem_access.js';
export {
  resolveConvexOptions,
  CONVEX_OPTION_KEYS,
  type ConvexLayerOptions,
  type ConvexSolverChoice,
  type ResolvedConvexOptions,
  type SolverFailurePolicy,
} from './convex_options.js';
export {
  ConvexSolutionMap,
  type ConvexCallStats,
  type ConvexElementStats,
  type ConvexBackwardStats,
  type ConvexBackwardElementStats,
  type PolicyApplied,
  type ConvexLayerSpec,
  type ParameterValues,
  type SolvedBatch,
} from './solution_map.js';
export { registerProblem, registeredProblem, registeredProblemNames, type ProblemFactory } from './problem_registry.js';
export type { ConvexRoute } from '../../dsl/solve/index.js';
