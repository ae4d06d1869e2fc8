import { ShapeError, ValueError, assertFinite } from './errors.js';
import { cscTranspose, type CscMatrix } from './sparse/csc.js';
import { validateCsc } from './sparse/csc_validate.js';

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

/**
 * Checks structure, sizes, finiteness and cone parameters; throws a typed
 * error naming the culprit: A and P well-formed CSC (`validateCsc`), cone
 * counts nonnegative integers, second-order cone sizes >= 1, power cone
 * parameters 0 < |alpha| < 1, sizes consistent, b and c finite, P square and
 * symmetric (both triangles stored, equal to 1e-10 relative).
 */
export function validateConeProgram(p: ConeProgram): void {
  if (p === null || typeof p !== 'object') throw new ValueError(`cone program must be an object, got ${String(p)}`);
  const { cones } = p;
  if (cones === null || typeof cones !== 'object') throw new ValueError(`cones must be a ConeDims object, got ${String(cones)}`);
  for (const key of ['zero', 'nonneg', 'exp'] as const) {
    if (!Number.isInteger(cones[key]) || cones[key] < 0) throw new ValueError(`cones.${key} must be a nonnegative integer, got ${String(cones[key])}`);
  }
  if (!Array.isArray(cones.soc)) throw new ValueError(`cones.soc must be an array of sizes, got ${String(cones.soc)}`);
  if (!Array.isArray(cones.power)) throw new ValueError(`cones.power must be an array of parameters, got ${String(cones.power)}`);
  cones.soc.forEach((q, k) => {
    if (!Number.isInteger(q) || q < 1) throw new ValueError(`cones.soc[${k}]: second-order cone size ${q} must be a positive integer`);
  });
  cones.power.forEach((a, k) => {
    if (typeof a !== 'number' || !(Math.abs(a) > 0 && Math.abs(a) < 1)) throw new ValueError(`cones.power[${k}]: power cone parameter ${a} must satisfy 0 < |alpha| < 1`);
  });
  validateCsc(p.A, 'A');
  if (!(p.b instanceof Float64Array)) throw new ShapeError('b must be a Float64Array');
  if (!(p.c instanceof Float64Array)) throw new ShapeError('c must be a Float64Array');
  const m = coneRows(cones);
  const n = p.c.length;
  if (p.A.rows !== m) throw new ShapeError(`A has ${p.A.rows} rows but the cones describe ${m}`);
  if (p.A.cols !== n) throw new ShapeError(`A has ${p.A.cols} columns but c has length ${n}`);
  if (p.b.length !== m) throw new ShapeError(`b has length ${p.b.length} but the cones describe ${m} rows`);
  assertFinite(p.A.values, 'A');
  assertFinite(p.b, 'b');
  assertFinite(p.c, 'c');
  if (p.P) {
    validateCsc(p.P, 'P');
    if (p.P.rows !== n || p.P.cols !== n) throw new ShapeError(`P is ${p.P.rows} x ${p.P.cols}, expected ${n} x ${n}`);
    assertSymmetric(p.P);
  }
}

/** Throws `ValueError` unless the (validated, square) CSC matrix equals its transpose to 1e-10 relative. */
function assertSymmetric(P: CscMatrix): void {
  const T = cscTranspose(P);
  let scale = 0;
  for (let k = 0; k < P.values.length; k++) scale = Math.max(scale, Math.abs(P.values[k]!));
  const tol = 1e-10 * scale;
  for (let j = 0; j < P.cols; j++) {
    // Merge column j of P and of P' (both sorted by row); an entry missing on one side counts as 0.
    let a = P.colPtr[j]!;
    let b = T.colPtr[j]!;
    const aEnd = P.colPtr[j + 1]!;
    const bEnd = T.colPtr[j + 1]!;
    while (a < aEnd || b < bEnd) {
      const ra = a < aEnd ? P.rowIndex[a]! : Infinity;
      const rb = b < bEnd ? T.rowIndex[b]! : Infinity;
      const row = Math.min(ra, rb);
      const va = ra === row ? P.values[a++]! : 0;
      const vb = rb === row ? T.values[b++]! : 0;
      if (Math.abs(va - vb) > tol) {
        throw new ValueError(`P must be symmetric with both triangles stored: P[${row}][${j}] = ${va} but P[${j}][${row}] = ${vb}`);
      }
    }
  }
}
