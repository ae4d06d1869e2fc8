/**
 * Lyapunov-stable learned dynamics (Manek & Kolter, NeurIPS 2019): the
 * Lyapunov function V(x) = rehu(g(x) - g(0)) + eps |x|^2 built on an
 * input-convex network, the stable projection and the `StableDynamics` layer.
 */
export { LyapunovFunction, lyapunovFunction, resolveLyapunovFunctionArgs, type LyapunovFunctionArgs, type LyapunovCentering, type LyapunovValueAndGradient, type ResolvedLyapunovFunctionArgs } from './lyapunov_function.js';
export { stableProjection, GRAD_NORM_SQ_FLOOR } from './stable_projection.js';
export { StableDynamics, stableDynamics, type StableDynamicsArgs, type StableDynamicsParts, type NominalActivation } from './stable_dynamics.js';
export { serializeNestedLayer, deserializeNestedLayer, type NestedLayerConfig } from './nested_layer.js';
