/**
 * Input-convex neural networks (Amos, Xu & Kolter, ICML 2017): fully (`ICNN`)
 * and partially (`PICNN`) input-convex layers, convex activations and the
 * smoothed ReLU.
 */
export { rehu, rehuDerivative } from './rehu.js';
export { applyConvexActivation, convexActivationDerivative, checkConvexActivation, CONVEX_ACTIVATIONS, type ConvexActivation } from './convex_activation.js';
export { icnnForward } from './icnn_forward.js';
export { icnnValueAndInputGradient, type IcnnValueAndInputGradient } from './icnn_input_gradient.js';
export { createIcnnWeights, type IcnnLayerWeights } from './icnn_weights.js';
export { ICNN, icnn, resolveIcnnArgs, type ICNNArgs, type ResolvedICNNArgs } from './icnn_layer.js';
export { picnnForward, createPicnnWeights, checkConditionActivation, type ConditionActivation, type PicnnLayerWeights } from './picnn_forward.js';
export { PICNN, picnn, resolvePicnnArgs, type PICNNArgs, type ResolvedPICNNArgs } from './picnn_layer.js';
export type { BaseLayerArgs, Initializer, LayerShape, WeightFactory } from './layer_types.js';
