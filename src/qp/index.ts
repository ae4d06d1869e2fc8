/**
 * OptNet quadratic-program layers: the differentiable batched QP `qp()` and
 * the `OptNetLayer` tfjs layer (Amos & Kolter, ICML 2017).
 */
export { qp, type OptionalTensor } from './qp_function.js';
export { OptNetLayer, optNetLayer, type OptNetLayerArgs } from './optnet_layer.js';
export {
  resolveQpLayerOptions,
  QP_LAYER_OPTION_KEYS,
  type QpLayerOptions,
  type ResolvedQpLayerOptions,
  type QpSolveReport,
  type QpFailurePolicy,
  type QpPolicyApplied,
  type QpElementReport,
  type QpBackwardReport,
  type QpBackwardElementReport,
} from './qp_options.js';
export { qpBackwardFailures } from './qp_backward_check.js';
export { resolveQpShapes, QP_ARGUMENT_NAMES, type QpArgumentName, type QpLayout, type QpShapes } from './qp_shapes.js';
export { resolveOptNetStructure, type FeasiblePoint, type FixedValue, type OptNetSource, type OptNetStructure, type ResolvedOptNetStructure } from './optnet_args.js';
