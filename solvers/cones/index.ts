export { projectNonneg, nonnegDerivativeDiagonal } from './nonneg_cone.js';
export { projectSoc, socJacobian, applySocJacobian, type SocJacobian, type SocRegion } from './second_order_cone.js';
export { projectExpCone, inExpCone, inExpPolarCone, type ConeProjection3, type ExpRegion } from './exp_cone.js';
export { projectPowerCone, inPowerCone, inPowerPolarCone } from './power_cone.js';
export {
  coneProjection,
  coneProjectionDerivative,
  type ConeProjectionJacobian,
  type ConeProjectionOptions,
} from './cone_projection.js';
export { coneResiduals, residualsWithin, type ConeResiduals } from './cone_residuals.js';
