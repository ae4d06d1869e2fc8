export { ibpMonotoneW, ibpMonotoneW64, checkIbpMonotonicity, IBP_SCALING_FLOOR } from './ibp_parameterization.js';
export { intervalOperator, absSymmetricTopEigenvalueBound64, spectralNormBound64, intervalLipschitzBound64 } from './interval_operator.js';
export { monotoneEquilibrium, type MonotoneEquilibriumResult } from './monotone_equilibrium.js';
export { ibpMonDeq, ibpMonDeqBounds, type IbpMonDeqWeights, type IbpMonDeqResult, type IbpMonDeqBounds } from './ibp_mondeq_function.js';
export { IbpMonDEQLayer, ibpMonDeqLayer, type IbpMonDEQLayerArgs } from './ibp_mondeq_layer.js';
export { linfBox, intervalAffine, intervalRelu, marginLowerBounds, type IntervalBatch, type InputDomain } from './interval_bounds.js';
export { ibpRobustLoss, mixedIbpLoss, ibpSchedule, type IbpScheduleOptions, type IbpScheduleValue } from './ibp_training.js';
export { certifyIntervalEquilibrium, intervalAffine64, certifyMargins64, type IntervalCertificate, type MarginCertificate } from './certified_bounds.js';
