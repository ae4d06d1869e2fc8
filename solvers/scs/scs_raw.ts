import type { CscMatrix } from '../sparse/csc.js';
import { runScs, type RawScsSolution } from './scs_module.js';
import type { ResolvedScsOptions } from './scs_options.js';

/** SCS's cone dictionary; `ed` (dual exponential cones) is used only by certificate searches. */
export interface RawCone {
  readonly z: number;
  readonly l: number;
  readonly q: readonly number[];
  readonly ep: number;
  readonly ed: number;
  readonly p: readonly number[];
}

/** Data of one WASM call; `P` symmetric with both triangles stored (the upper one is passed on). */
export interface RawProgram {
  readonly A: CscMatrix;
  readonly b: Float64Array;
  readonly c: Float64Array;
  readonly P?: CscMatrix | undefined;
}

/** What one WASM call gave back: SCS's exit code, point (absent with a certificate) and info, or the trap. */
export interface RawOutcome {
  readonly code: number;
  readonly statusText: string;
  readonly x?: Float64Array;
  readonly y?: Float64Array;
  readonly s?: Float64Array;
  readonly info: RawScsSolution['info'];
  /** Set when the module trapped (the instance has been replaced). */
  readonly trap?: string;
}

/** Per-call overrides of the resolved options (tightened tolerances of a retry). */
export interface RawSettings {
  readonly epsAbs: number;
  readonly epsRel: number;
  /** Iteration limit of this call (default: the resolved `maxIters`). */
  readonly maxIters?: number;
}

const NO_INFO: RawScsSolution['info'] = { iter: 0, pobj: NaN, dobj: NaN, resPri: NaN, resDual: NaN, gap: NaN, setupTime: 0, solveTime: 0 };

/** The upper triangle (including the diagonal) of a symmetric CSC matrix, as SCS expects. */
function upperTriangle(p: CscMatrix): { x: Float64Array; i: Int32Array; p: Int32Array } {
  const colPtr = new Int32Array(p.cols + 1);
  const rows: number[] = [];
  const vals: number[] = [];
  for (let j = 0; j < p.cols; j++) {
    for (let k = p.colPtr[j]!; k < p.colPtr[j + 1]!; k++) {
      if (p.rowIndex[k]! <= j) {
        rows.push(p.rowIndex[k]!);
        vals.push(p.values[k]!);
      }
    }
    colPtr[j + 1] = rows.length;
  }
  return { x: Float64Array.from(vals), i: Int32Array.from(rows), p: colPtr };
}

/**
 * One call into the SCS WebAssembly module with already validated data.
 * Never throws for a trap: it comes back as `trap` (see `runScs`).
 */
export function runScsRaw(
  program: RawProgram,
  cone: RawCone,
  opts: ResolvedScsOptions,
  settingsOverride: RawSettings,
  warm?: { x: Float64Array; y: Float64Array; s: Float64Array },
): RawOutcome {
  const { A, b, c, P } = program;
  const data: Record<string, unknown> = { m: A.rows, n: A.cols, A_x: A.values, A_i: A.rowIndex, A_p: A.colPtr, b, c };
  if (A.values.length === 0) {
    // SCS rejects an A without entries ("data incompletely specified"); one explicit zero is the same matrix.
    const p = new Int32Array(A.cols + 1).fill(1);
    p[0] = 0;
    Object.assign(data, { A_x: Float64Array.of(0), A_i: Int32Array.of(0), A_p: p });
  }
  if (P && P.values.length > 0) {
    const up = upperTriangle(P);
    data.P_x = up.x;
    data.P_i = up.i;
    data.P_p = up.p;
  }
  const scsCone = { z: cone.z, l: cone.l, q: Array.from(cone.q), qsize: cone.q.length, ep: cone.ep, ed: cone.ed, p: Array.from(cone.p), psize: cone.p.length };
  const run = runScs((scs) => {
    const settings = new scs.ScsSettings();
    try {
      scs.setDefaultSettings(settings);
      settings.epsAbs = settingsOverride.epsAbs;
      settings.epsRel = settingsOverride.epsRel;
      settings.epsInfeas = opts.epsInfeas;
      settings.maxIters = settingsOverride.maxIters ?? opts.maxIters;
      settings.timeLimitSecs = opts.timeLimitSecs;
      settings.normalize = opts.normalize;
      settings.scale = opts.scale;
      settings.adaptiveScale = opts.adaptiveScale;
      settings.alpha = opts.alpha;
      settings.verbose = opts.verbose ? 1 : 0;
      settings.warmStart = warm !== undefined;
      return warm
        ? scs.solve(data, scsCone, settings, { x: Array.from(warm.x), y: Array.from(warm.y), s: Array.from(warm.s) })
        : scs.solve(data, scsCone, settings);
    } finally {
      settings.delete();
    }
  });
  if (!run.ok) return { code: -4, statusText: 'TRAPPED', info: NO_INFO, trap: run.error };
  const raw = run.value;
  const out: { -readonly [K in keyof RawOutcome]: RawOutcome[K] } = { code: raw.statusVal, statusText: raw.status, info: raw.info };
  // SCS omits the point when it returns a certificate of infeasibility/unboundedness.
  if (raw.x && raw.y && raw.s) {
    out.x = Float64Array.from(raw.x);
    out.y = Float64Array.from(raw.y);
    out.s = Float64Array.from(raw.s);
  }
  return out;
}
