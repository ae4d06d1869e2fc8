import createScs from 'scs-solver';
import { OptlayersError } from '../errors.js';

/** The subset of the scs-solver emscripten module we use. */
export interface ScsModule {
  ScsSettings: new () => ScsSettingsHandle;
  setDefaultSettings(settings: ScsSettingsHandle): void;
  solve(data: unknown, cone: unknown, settings: ScsSettingsHandle, warm?: unknown): RawScsSolution;
}

export interface ScsSettingsHandle {
  normalize: boolean;
  scale: number;
  adaptiveScale: boolean;
  rhoX: number;
  maxIters: number;
  epsAbs: number;
  epsRel: number;
  epsInfeas: number;
  alpha: number;
  timeLimitSecs: number;
  verbose: number;
  warmStart: boolean;
  delete(): void;
}

export interface RawScsSolution {
  /** Absent when SCS returns an infeasibility or unboundedness certificate. */
  x?: number[];
  y?: number[];
  s?: number[];
  statusVal: number;
  status: string;
  info: {
    iter: number;
    pobj: number;
    dobj: number;
    resPri: number;
    resDual: number;
    gap: number;
    setupTime: number;
    solveTime: number;
  };
}

let loaded: ScsModule | undefined;
let loading: Promise<ScsModule> | undefined;

/**
 * Loads the SCS WebAssembly module once; later calls return the same module.
 * Solves are synchronous after this resolves.
 */
export function loadScs(): Promise<ScsModule> {
  if (loaded) return Promise.resolve(loaded);
  loading ??= (createScs as unknown as () => Promise<ScsModule>)().then((m) => {
    loaded = m;
    return m;
  });
  return loading;
}

/** The loaded module; throws if `loadScs()` has not resolved yet. */
export function scsModule(): ScsModule {
  if (!loaded) {
    throw new OptlayersError('SCS is not loaded yet: await loadScs() (or initSolvers()) once before solving');
  }
  return loaded;
}

/** True once `loadScs()` has resolved. */
export function isScsLoaded(): boolean {
  return loaded !== undefined;
}
