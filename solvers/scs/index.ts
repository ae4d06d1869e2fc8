export { loadScs, isScsLoaded, isScsReady, scsTrapCount, type ScsModule, type ScsSettingsHandle, type RawScsSolution } from './scs_module.js';
export { resolveScsOptions, SCS_MAX_ITERS_CAP, SCS_TIME_LIMIT_CAP, type ScsOptions, type ResolvedScsOptions } from './scs_options.js';
export { solveScs, optimalTolerance, OPTIMAL_SLACK, type ConeSolution, type ConeSolveStats, type WarmStart } from './scs_solve.js';
export { verifyInfeasibility, verifyUnboundedness, CERTIFICATE_SEARCH_ITERS } from './scs_certificates.js';
export { LOOSE_BOUND_GAP } from './scs_presolve.js';
export { setScsWasmUrl, scsWasmUrl } from './scs_locate.js';
export { WasmAssetError, type WasmAsset } from './scs_locate_fetch.js';
