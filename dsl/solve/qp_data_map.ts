import type { CompiledProblem, DataGradient } from '../compiled_problem.js';
import type { ConeProgram } from '../../solvers/cone_program.js';
import { UnsupportedError } from '../../solvers/errors.js';
import type { QpArgument, QpBatch, QpGradients } from '../../solvers/qp/qp_types.js';
import type { CscMatrix } from '../../solvers/sparse/csc.js';

/** Rows of a parameter-to-data map (CSC, one row per data entry) that depend on theta, i.e. have an entry in a column < thetaSize. */
function thetaDependentRows(map: CscMatrix, thetaSize: number): Uint8Array {
  const dep = new Uint8Array(map.rows);
  const end = map.colPtr[Math.min(thetaSize, map.cols)]!;
  for (let k = 0; k < end; k++) dep[map.rowIndex[k]!] = 1;
  return dep;
}

/** True when the conic program has only zero and nonnegative cones, i.e. is an LP/QP the interior point solver accepts. */
export function isQpCompatible(compiled: CompiledProblem): boolean {
  const c = compiled.cones;
  return c.soc.length === 0 && c.exp === 0 && c.power.length === 0;
}

/**
 * The bijection between a compiled LP/QP in conic form,
 *   minimize 1/2 x'Px + c'x  s.t.  A x + s = b,  s in {0}^z x R+^l,
 * and the OptNet form the batched interior point solver takes,
 *   minimize 1/2 z'Qz + p'z  s.t.  G z <= h,  A_eq z = b_eq,
 * with z = x, Q = P, p = c, A_eq / b_eq the first z rows of (A, b) and
 * G / h the remaining l rows. Multipliers map as y = [nu; lam] (both
 * Lagrangians read P x + c + A'y = 0). Blocks that do not depend on the
 * parameters are passed to the solver once, unbatched (so a fixed G is
 * analysed once for the whole batch).
 */
export class QpDataMap {
  readonly n: number;
  readonly nEq: number;
  readonly nIneq: number;
  private readonly aPattern: CscMatrix;
  private readonly pPattern: CscMatrix | undefined;
  private readonly batchedEqA: boolean;
  private readonly batchedG: boolean;
  private readonly batchedEqB: boolean;
  private readonly batchedH: boolean;
  private readonly batchedP: boolean;
  private readonly batchedC: boolean;

  constructor(compiled: CompiledProblem) {
    if (!isQpCompatible(compiled)) {
      throw new UnsupportedError(
        `the QP route needs a problem whose cones are only zero and nonnegative; this one has ` +
          `${compiled.cones.soc.length} second-order, ${compiled.cones.exp} exponential and ${compiled.cones.power.length} power cones`,
      );
    }
    const T = compiled.thetaSize;
    this.n = compiled.n;
    this.nEq = compiled.cones.zero;
    this.nIneq = compiled.cones.nonneg;
    this.aPattern = compiled.aPattern;
    this.pPattern = compiled.pPattern;
    const aDep = thetaDependentRows(compiled.aMap, T);
    let eq = false;
    let ineq = false;
    const a = compiled.aPattern;
    for (let k = 0; k < a.values.length; k++) {
      if (!aDep[k]) continue;
      if (a.rowIndex[k]! < this.nEq) eq = true;
      else ineq = true;
    }
    this.batchedEqA = eq;
    this.batchedG = ineq;
    const bDep = thetaDependentRows(compiled.bMap, T);
    this.batchedEqB = bDep.subarray(0, this.nEq).some((v) => v === 1);
    this.batchedH = bDep.subarray(this.nEq).some((v) => v === 1);
    this.batchedC = thetaDependentRows(compiled.cMap, T).some((v) => v === 1);
    this.batchedP = compiled.pMap !== undefined && thetaDependentRows(compiled.pMap, T).some((v) => v === 1);
  }

  /** Stacks the per-slot conic programs into one OptNet batch (shared blocks taken from slot 0). */
  toQpBatch(programs: readonly ConeProgram[]): QpBatch {
    const batch = programs.length;
    const { n, nEq, nIneq } = this;
    const arg = (batched: boolean, size: number, fill: (p: ConeProgram, out: Float64Array) => void): QpArgument => {
      const count = batched ? batch : 1;
      const data = new Float64Array(count * size);
      for (let e = 0; e < count; e++) fill(programs[e]!, data.subarray(e * size, (e + 1) * size));
      return { data, batched };
    };
    const Q = arg(this.batchedP, n * n, (p, out) => {
      const P = p.P;
      if (!P) return;
      for (let j = 0; j < P.cols; j++) {
        for (let k = P.colPtr[j]!; k < P.colPtr[j + 1]!; k++) out[P.rowIndex[k]! * n + j] += P.values[k]!;
      }
    });
    const A = arg(this.batchedEqA, nEq * n, (p, out) => this.scatterRows(p.A, 0, nEq, out));
    const G = arg(this.batchedG, nIneq * n, (p, out) => this.scatterRows(p.A, nEq, nIneq, out));
    return {
      batch,
      n,
      nEq,
      nIneq,
      Q,
      p: arg(this.batchedC, n, (p, out) => out.set(p.c)),
      A,
      b: arg(this.batchedEqB, nEq, (p, out) => out.set(p.b.subarray(0, nEq))),
      G,
      h: arg(this.batchedH, nIneq, (p, out) => out.set(p.b.subarray(nEq, nEq + nIneq))),
    };
  }

  /** Rows [first, first + count) of the sparse A, densified row-major into `out`. */
  private scatterRows(a: CscMatrix, first: number, count: number, out: Float64Array): void {
    const n = this.n;
    for (let j = 0; j < a.cols; j++) {
      for (let k = a.colPtr[j]!; k < a.colPtr[j + 1]!; k++) {
        const i = a.rowIndex[k]! - first;
        if (i >= 0 && i < count) out[i * n + j] = a.values[k]!;
      }
    }
  }

  /** The conic dual y = [nu; lam] of one slot. */
  conicDual(nu: Float64Array, lam: Float64Array): Float64Array {
    const y = new Float64Array(this.nEq + this.nIneq);
    y.set(nu, 0);
    y.set(lam, this.nEq);
    return y;
  }

  /**
   * Maps the QP gradients of slot e back to the conic data (dA on A's pattern,
   * db, dc, dP on P's pattern). Blocks passed unbatched do not depend on the
   * parameters, so their (batch-summed) gradients are dropped: they carry no
   * theta-gradient.
   */
  dataGradient(g: QpGradients, e: number): DataGradient {
    const { n, nEq, nIneq } = this;
    const a = this.aPattern;
    const dA = new Float64Array(a.values.length);
    const aOff = e * nEq * n;
    const gOff = e * nIneq * n;
    for (let j = 0; j < a.cols; j++) {
      for (let k = a.colPtr[j]!; k < a.colPtr[j + 1]!; k++) {
        const i = a.rowIndex[k]!;
        if (i < nEq) dA[k] = this.batchedEqA ? g.dA[aOff + i * n + j]! : 0;
        else dA[k] = this.batchedG ? g.dG[gOff + (i - nEq) * n + j]! : 0;
      }
    }
    const db = new Float64Array(nEq + nIneq);
    if (this.batchedEqB) db.set(g.db.subarray(e * nEq, (e + 1) * nEq), 0);
    if (this.batchedH) db.set(g.dh.subarray(e * nIneq, (e + 1) * nIneq), nEq);
    const dc = this.batchedC ? Float64Array.from(g.dp.subarray(e * n, (e + 1) * n)) : new Float64Array(n);
    const out: { dA: Float64Array; db: Float64Array; dc: Float64Array; dP?: Float64Array } = { dA, db, dc };
    const P = this.pPattern;
    if (P) {
      const dP = new Float64Array(P.values.length);
      if (this.batchedP) {
        const qOff = e * n * n;
        for (let j = 0; j < P.cols; j++) {
          for (let k = P.colPtr[j]!; k < P.colPtr[j + 1]!; k++) dP[k] = g.dQ[qOff + P.rowIndex[k]! * n + j]!;
        }
      }
      out.dP = dP;
    }
    return out;
  }
}
