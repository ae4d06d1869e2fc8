import createScs from 'scs-solver';
import { OptlayersError } from '../errors.js';
import { scsFactoryOptions, type ScsFactoryOptions } from './scs_locate.js';

/** The subset of the scs-solver emscripten module we use. */
export interface ScsModule {
  /** Creates a settings object (embind; `delete()` it after use). */
  ScsSettings: new () => ScsSettingsHandle;
  /** Fills `settings` with SCS's defaults (scs.h `scs_set_default_settings`). */
  setDefaultSettings(settings: ScsSettingsHandle): void;
  /** One SCS solve of (data, cone) with the given settings and optional warm start. */
  solve(data: unknown, cone: unknown, settings: ScsSettingsHandle, warm?: unknown): RawScsSolution;
}

/** An embind ScsSettings object (scs.h `ScsSettings`); must be `delete()`d. */
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
  /** Frees the embind object. */
  delete(): void;
}

/** SCS's answer as the WASM build returns it: point, exit code `statusVal` (scs.h), and SCS's own (scaled) residuals. */
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

/**
 * Instances of the WebAssembly module. A trap inside SCS (out-of-bounds
 * access, abort) leaves an instance's stack pointer and heap in an unknown
 * state; after ~130 traps an instance stops returning. So a trapped instance
 * is never used again: the spare (instantiated in the background whenever
 * there is none) takes its place at once, and a new spare is started.
 */
let current: ScsModule | undefined;
let spare: ScsModule | undefined;
let spareLoading: Promise<void> | undefined;
let loading: Promise<ScsModule> | undefined;
let everLoaded = false;
let trapCount = 0;

/** One emscripten instantiation, with the binary located as `scs_locate.ts` decides (browser bundles, `wasmPaths.scs`). */
async function instantiate(): Promise<ScsModule> {
  const options = await scsFactoryOptions();
  return (createScs as unknown as (options: ScsFactoryOptions) => Promise<ScsModule>)(options);
}

function ensureSpare(): void {
  if (spare || spareLoading) return;
  spareLoading = instantiate().then(
    (m) => {
      spare = m;
      spareLoading = undefined;
    },
    () => {
      // A failed background instantiation is retried by the next loadScs().
      spareLoading = undefined;
    },
  );
}

/**
 * Loads the SCS WebAssembly module; later calls return the same instance
 * (or, after a trap, a fresh one). Resolves once a spare instance is ready
 * too, so the first solve after a trap does not have to wait. Solves are
 * synchronous after this resolves.
 */
export async function loadScs(): Promise<ScsModule> {
  for (;;) {
    if (!current && spare) {
      current = spare;
      spare = undefined;
    }
    if (!current && spareLoading && !loading) {
      await spareLoading;
      continue;
    }
    if (!current) {
      loading ??= instantiate().finally(() => {
        loading = undefined;
      });
      const m = await loading;
      everLoaded = true;
      // Another caller may have installed an instance meanwhile; keep that one.
      if (!current) current = m;
      else if (!spare && m !== current) spare = m;
    }
    ensureSpare();
    if (spareLoading) await spareLoading;
    if (current) return current;
  }
}

/** The loaded module; throws if `loadScs()` has not resolved yet. */
export function scsModule(): ScsModule {
  if (!current && spare) {
    current = spare;
    spare = undefined;
    ensureSpare();
  }
  if (!current) {
    throw new OptlayersError(
      everLoaded
        ? 'SCS is being re-instantiated after a WebAssembly trap: await loadScs() (or initSolvers()) before the next solve'
        : 'SCS is not loaded yet: await loadScs() (or initSolvers()) once before solving',
    );
  }
  return current;
}

/** True once `loadScs()` has resolved (and stays true while a trapped instance is being replaced). */
export function isScsLoaded(): boolean {
  return everLoaded || current !== undefined;
}

/** True when an instance is ready for a synchronous solve right now. */
export function isScsReady(): boolean {
  return current !== undefined || spare !== undefined;
}

/** How many WebAssembly traps this process has recovered from. */
export function scsTrapCount(): number {
  return trapCount;
}

/** The outcome of `runScs`: the callback's value, or the trap it raised. */
export type ScsRun<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/**
 * Runs `fn` on a healthy instance. Any exception from inside the module (a
 * `WebAssembly.RuntimeError` trap, an embind error, an abort) retires that
 * instance for good, promotes the spare and starts a new one, and comes back
 * as `{ ok: false, error }` instead of propagating a raw runtime error.
 * Internal: callers must validate their data first (`solveScs` does); tests
 * use it with corrupt data to force traps.
 */
export function runScs<T>(fn: (module: ScsModule) => T): ScsRun<T> {
  const module = scsModule();
  try {
    return { ok: true, value: fn(module) };
  } catch (err) {
    if (err instanceof OptlayersError) throw err;
    trapCount++;
    if (current === module) current = undefined;
    if (spare) {
      current = spare;
      spare = undefined;
    }
    ensureSpare();
    const what = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    return { ok: false, error: what };
  }
}
