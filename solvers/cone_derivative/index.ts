export { coneProgramDerivative } from './cone_derivative.js';
export { resolveDerivativeOptions, type ResolvedDerivativeOptions } from './derivative_options.js';
export { residualMap, type ResidualMap } from './residual_map.js';
export type {
  ConeDerivativeOptions,
  ConeProgramDerivative,
  DataPerturbation,
  LinearSolveReport,
  SolutionPerturbation,
} from './cone_derivative_types.js';
