/**
 * Certified robustness for feed-forward ReLU networks (conv2d, flatten, dense) (Wong & Kolter,
 * "Provable defenses against adversarial examples via the convex outer
 * adversarial polytope", ICML 2018): margin bounds over ℓ∞ balls from the
 * dual network of the LP relaxation, the robust training loss built on them,
 * and a PGD attack for the matching empirical upper bound.
 */
export { certify, type CertifyOptions, type CertifyResult, type CertifiedLayerBounds } from './certify.js';
export { robustLoss, type RobustLossOptions } from './robust_loss.js';
export { pgdAttack, type PgdOptions, type PgdResult } from './pgd.js';
export { dualBounds, inputRegion, type DualBounds, type InputRegion, type LayerBounds } from './dual_network.js';
export { readReluNetwork, type ReluNetwork, type NetworkStep, type AffineStep, type ConvStep, type LinearStep, type ReluStep } from './relu_network.js';
export { type ConvGeometry } from './conv_geometry.js';
export { type LabelsLike, type PerturbationNorm, type RobustOptions } from './robust_inputs.js';
