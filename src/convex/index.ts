/**
 * optlayers convex layers: differentiable convex optimization layers over the
 * DPP DSL (Agrawal et al., "Differentiable Convex Optimization Layers", 2019).
 */
export { ConvexLayer, type ConvexLayerConfig } from './convex_layer.js';
export {
  ConvexProgramLayer,
  convexProgramLayer,
  type ConvexProgramLayerArgs,
  type WeightInitializer,
  type StoredWeightParameter,
} from './convex_program_layer.js';
export {
  resolveConvexOptions,
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
