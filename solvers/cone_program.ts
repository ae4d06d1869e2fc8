import { ShapeError, ValueError, assertFinite } from './errors.js';
import type { CscMatrix } from './sparse/csc.js';

/**
 * Sizes of the cones in `K`, in the order the rows of A appear:
 * zero (equalities), nonnegative orthant, second-order cones, primal
 * exponential cones (triples), power cones (triples).
 */
export interface ConeDims {
  /** Rows constrained to equal zero (dual cone: free). */
  readonly zero: number;
  /** Rows constrained to be nonnegative. */
  readonly nonneg: number;
  /** Size of each second-order cone {(t, u) : |u|_2 <= t}, t first. */
  readonly soc: readonly number[];
  /** Number of primal exponential cone triples {(x, y, z) : y e^(x/y) <= z, y > 0}. */
  readonly exp: number;
  /**
   * One alpha per power cone triple {(x, y, z) : x^a y^(1-a) >= |z|, x, y >= 0};
   * a negative alpha denotes the dual power cone with parameter -alpha (SCS convention).
   */
  readonly power: readonly number[];
}

/**
 * A cone program in SCS form:
 *   minimize 1/2 x'Px + c'x  subject to  Ax + s = b,  s in K.
 * `P` (optional) is symmetric positive semidefinite, stored in full (both triangles).
 */
export interface ConeProgram {
  readonly A: CscMatrix;
  readonly b: Float64Array;
  readonly c: Float64Array;
  readonly P?: CscMatrix;
  readonly cones: ConeDims;
}

/** Total number of rows that `dims` describes. */
export function coneRows(dims: ConeDims): number {
  let m = dims.zero + dims.nonneg + 3 * dims.exp + 3 * dims.power.length;
  for (const q of dims.soc) m += q;
  return m;
}

/** Empty cone dimensions, convenient as a base for spreads. */
export const NO_CONES: ConeDims = { zero: 0, nonneg: 0, soc: [], exp: 0, power: [] };

/** Checks sizes, finiteness and cone parameters; throws a typed error naming the culprit. */
export function validateConeProgram(p: ConeProgram): void {
  const m = coneRows(p.cones);
  const n = p.c.length;
  if (p.A.rows !== m) throw new ShapeError(`A has ${p.A.rows} rows but the cones describe ${m}`);
  if (p.A.cols !== n) throw new ShapeError(`A has ${p.A.cols} columns but c has length ${n}`);
  if (p.b.length !== m) throw new ShapeError(`b has length ${p.b.length} but the cones describe ${m} rows`);
  if (p.P && (p.P.rows !== n || p.P.cols !== n)) {
    throw new ShapeError(`P is ${p.P.rows} x ${p.P.cols}, expected ${n} x ${n}`);
  }
  for (const q of p.cones.soc) {
    if (!Number.isInteger(q) || q < 1) throw new ValueError(`second-order cone size ${q} must be a positive integer`);
  }
  for (const a of p.cones.power) {
    if (!(Math.abs(a) > 0 && Math.abs(a) < 1)) throw new ValueError(`power cone parameter ${a} must satisfy 0 < |alpha| < 1`);
  }
  assertFinite(p.A.values, 'A');
  assertFinite(p.b, 'b');
  assertFinite(p.c, 'c');
  if (p.P) assertFinite(p.P.values, 'P');
}
