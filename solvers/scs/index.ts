export { loadScs, isScsLoaded } from './scs_module.js';
export { resolveScsOptions, type ScsOptions, type ResolvedScsOptions } from './scs_options.js';
export { solveScs, type ConeSolution, type ConeSolveStats, type WarmStart } from './scs_solve.js';
