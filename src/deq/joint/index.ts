export { jointInputOptimization, type JointResult, type JointCallOptions } from './joint_input_optimization.js';
export { naiveInputOptimization, type NaiveInputOptions, type NaiveResult } from './naive_input_optimization.js';
export { augmentedMap, type AugmentedMap, type AugmentedEvaluation, type InputObjective, type JointLayout } from './augmented_map.js';
export { resolveProjection, type InputProjection, type ResolvedProjection } from './input_projection.js';
export { resolveJointOptions, type JointInputOptions, type JointAndersonOptions, type ResolvedJointOptions } from './joint_options.js';
export type { InputOptimizationStats, InputOptimizationStatus, JointStats, JointResiduals, NaiveStats } from './joint_stats.js';
