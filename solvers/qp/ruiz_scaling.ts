import type { QpArgument, QpBackwardResult, QpBatch, QpResult } from './qp_types.js';

/**
 * Diagonal equilibration of a QP batch (Ruiz, "A scaling algorithm to
 * equilibrate both rows and columns norms in matrices", 2001; as in OSQP,
 * Stellato et al. 2020, sec. 5.1): variables x = D x', inequality rows scaled
 * by E, equality rows by F, the cost by c:
 *   Q' = c D Q D,  p' = c D p,  G' = E G D,  h' = E h,  A' = F A D,  b' = F b.
 * The scaled problem has the same solution up to the change of variables
 * (z = D z', lam = E lam' / c, nu = F nu' / c, slack = s' / E) and KKT rows
 * and columns of comparable norms, so the interior point method's normwise
 * stopping and certificate tests mean the same thing for every row and
 * column. One scaling serves the whole batch (norms are maxima over the
 * examples), so shared arguments stay shared and sparse G stays sparse.
 */
export interface QpScaling {
  readonly d: Float64Array;
  readonly e: Float64Array;
  readonly f: Float64Array;
  readonly c: number;
}

/** Ruiz passes; each one takes the square root of the remaining imbalance (1e14 -> 4 in ~8). */
const RUIZ_PASSES = 10;
/** Data whose row and column norms all lie within this factor of each other is not equilibrated. */
const WELL_SCALED_RATIO = 1e3;
/** Per-pass factor limits (OSQP's MIN_SCALING / MAX_SCALING). */
const MIN_FACTOR = 1e-4;
const MAX_FACTOR = 1e4;
/** Largest cost factor: a tiny cost (|p| ~ 1e-11) must reach unit scale, or the stopping test's 1 + |.| terms read any point as converged. */
const MAX_COST_FACTOR = 1e12;

const clampFactor = (norm: number) => (norm > 0 && Number.isFinite(norm) ? Math.min(MAX_FACTOR, Math.max(MIN_FACTOR, 1 / Math.sqrt(norm))) : 1);

/** Each example's copy of an argument (one for a shared argument). */
function copies(arg: QpArgument, batch: number, size: number): Float64Array[] {
  const count = arg.batched ? batch : 1;
  return Array.from({ length: count }, (_, e) => arg.data.subarray(e * size, (e + 1) * size));
}

/**
 * out[j] = max_i |d_i Q_ij d_j| of the n x n block at `off`; colN[j] = max(colN[j], out[j]).
 * Returns mean_j out[j].
 */
function qColumnNorms(q: Float64Array, off: number, n: number, d: Float64Array, out: Float64Array, colN: Float64Array): number {
  out.fill(0);
  for (let i = 0; i < n; i++) {
    const di = d[i]!;
    const r = off + i * n;
    for (let j = 0; j < n; j++) {
      const v = Math.abs(di * q[r + j]! * d[j]!);
      if (v > out[j]!) out[j] = v;
    }
  }
  let t = 0;
  for (let j = 0; j < n; j++) {
    t += out[j]!;
    if (out[j]! > colN[j]!) colN[j] = out[j]!;
  }
  return n > 0 ? t / n : 0;
}

/** Row and column maxima of |scale_k M_kj d_j| over the rows x n block at `off` (accumulated). */
function rowColNorms(
  mat: Float64Array, off: number, rows: number, n: number, scale: Float64Array, d: Float64Array, rowN: Float64Array, colN: Float64Array,
): void {
  for (let k = 0; k < rows; k++) {
    const sk = scale[k]!;
    const r = off + k * n;
    let rk = rowN[k]!;
    for (let j = 0; j < n; j++) {
      const v = Math.abs(sk * mat[r + j]! * d[j]!);
      if (v > rk) rk = v;
      if (v > colN[j]!) colN[j] = v;
    }
    rowN[k] = rk;
  }
}

/**
 * The equilibration of `qp`: up to `RUIZ_PASSES` passes over the KKT matrix
 * [[Q, G', A'], [G, 0, 0], [A, 0, 0]] dividing each row/column by the square
 * root of its infinity norm (batch maxima), stopping once all norms are
 * within a factor 4 (none at all when they start within 1e3), then the cost factor
 * c = 1 / max(mean_j |Q'_:j|_inf, |p'|_inf) clipped to [1e-4, 1e12] (`MAX_COST_FACTOR`).
 */
export function ruizScaling(qp: QpBatch): QpScaling {
  const { batch, n, nIneq: m, nEq: neq } = qp;
  const Qs = copies(qp.Q, batch, n * n);
  const qCount = qp.Q.batched ? batch : 1;
  const gCount = qp.G.batched ? batch : 1;
  const aCount = qp.A.batched ? batch : 1;
  const d = new Float64Array(n).fill(1);
  const e = new Float64Array(m).fill(1);
  const f = new Float64Array(neq).fill(1);
  const colN = new Float64Array(n);
  const gN = new Float64Array(m);
  const aN = new Float64Array(neq);
  // Per copy, the column norms of D Q D (Q is symmetric: row-major scan), and the largest mean of
  // them over the copies at the current d: the cost factor reuses it when the last pass breaks.
  const qCol = new Float64Array(n);
  let qMeanAtD = 0;
  let qMeanValid = false;
  for (let pass = 0; pass < RUIZ_PASSES; pass++) {
    colN.fill(0);
    gN.fill(0);
    aN.fill(0);
    qMeanAtD = 0;
    // (Plain offset loops over the stacked data, in module functions: closures over subarrays
    // here ran 5-10x slower than the loops themselves and made this scan ~4% of a solve.)
    for (let c = 0; c < qCount; c++) qMeanAtD = Math.max(qMeanAtD, qColumnNorms(qp.Q.data, c * n * n, n, d, qCol, colN));
    qMeanValid = true;
    for (let c = 0; c < gCount; c++) rowColNorms(qp.G.data, c * m * n, m, n, e, d, gN, colN);
    for (let c = 0; c < aCount; c++) rowColNorms(qp.A.data, c * neq * n, neq, n, f, d, aN, colN);
    let lo = Infinity;
    let hi = 0;
    for (const arr of [colN, gN, aN]) {
      for (const v of arr) {
        if (v > 0 && v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    // Mildly unbalanced data (norms within a factor 1e3 of each other) is left alone on the first
    // pass: the interior point method handles it, and the passes would cost time for nothing.
    if (pass === 0 && hi <= WELL_SCALED_RATIO * lo) break;
    if (hi <= 4 * lo) break; // equilibrated to a factor 4
    qMeanValid = false; // d changes below
    for (let j = 0; j < n; j++) d[j] *= clampFactor(colN[j]!);
    for (let k = 0; k < m; k++) e[k] *= clampFactor(gN[k]!);
    for (let k = 0; k < neq; k++) f[k] *= clampFactor(aN[k]!);
  }
  // Cost scaling: the objective's gradient scale (OSQP's c = 1 / max(mean |Q_:j|_inf, |q|_inf)).
  let qMean = qMeanValid ? qMeanAtD : 0;
  for (const Q of qMeanValid ? [] : Qs) {
    let t = 0;
    for (let j = 0; j < n; j++) {
      let col = 0;
      for (let i = 0; i < n; i++) col = Math.max(col, Math.abs(d[i]! * Q[i * n + j]! * d[j]!));
      t += col;
    }
    qMean = Math.max(qMean, t / n);
  }
  let pN = 0;
  for (const p of copies(qp.p, batch, n)) for (let j = 0; j < n; j++) pN = Math.max(pN, Math.abs(d[j]! * p[j]!));
  const g = Math.max(qMean, pN);
  // Only a cost far from unit scale is rescaled: within [1e-3, 1e3] the stopping test's 1 + |.|
  // terms already make it relative, and c < 1 would loosen the absolute residuals by 1/c.
  const c = g > 0 && Number.isFinite(g) && (g > WELL_SCALED_RATIO || g < 1 / WELL_SCALED_RATIO) ? Math.min(MAX_COST_FACTOR, Math.max(MIN_FACTOR, 1 / g)) : 1;
  return { d, e, f, c };
}

/** True when the scaling changes nothing (all factors 1). */
export function isIdentityScaling(s: QpScaling): boolean {
  return s.c === 1 && s.d.every((v) => v === 1) && s.e.every((v) => v === 1) && s.f.every((v) => v === 1);
}

/** out[r][j] = left[r] M[r][j] right[j] for every copy (left/right null: 1). */
function scaleMatrix(arg: QpArgument, rows: number, cols: number, left: ArrayLike<number> | null, right: ArrayLike<number> | null, k = 1): QpArgument {
  const data = new Float64Array(arg.data.length);
  const size = rows * cols;
  for (let o = 0; o < data.length; o += size) {
    for (let r = 0; r < rows; r++) {
      const lr = (left ? left[r]! : 1) * k;
      for (let j = 0; j < cols; j++) data[o + r * cols + j] = lr * arg.data[o + r * cols + j]! * (right ? right[j]! : 1);
    }
  }
  return { data, batched: arg.batched };
}

/** The scaled batch (see `QpScaling`). */
export function scaleQpBatch(qp: QpBatch, s: QpScaling): QpBatch {
  const { n, nIneq: m, nEq: neq } = qp;
  return {
    ...qp,
    Q: scaleMatrix(qp.Q, n, n, s.d, s.d, s.c),
    p: scaleMatrix(qp.p, 1, n, null, s.d, s.c),
    G: scaleMatrix(qp.G, m, n, s.e, s.d),
    h: scaleMatrix(qp.h, 1, m, null, s.e),
    A: scaleMatrix(qp.A, neq, n, s.f, s.d),
    b: scaleMatrix(qp.b, 1, neq, null, s.f),
  };
}

/**
 * The result of the scaled solve in the original variables: z = D z',
 * lam = E lam' / c, nu = F nu' / c, slack = s' / E (an unbounded ray z = D z'
 * renormalized to |z|_inf = 1). The backward pass maps dl/dz to the scaled
 * problem (dl/dz' = D dl/dz) and its gradients back by the chain rule through
 * the scaling formulas, D, E, F, c held fixed (the solution does not depend
 * on them): dQ = c D dQ' D, dp = c D dp', dG = E dG' D, dh = E dh',
 * dA = F dA' D, db = F db'.
 */
export function unscaleQpResult(qp: QpBatch, s: QpScaling, inner: QpResult): QpResult {
  const { batch, n, nIneq: m, nEq: neq } = qp;
  const z = new Float64Array(batch * n);
  const lam = new Float64Array(batch * m);
  const nu = new Float64Array(batch * neq);
  const slack = new Float64Array(batch * m);
  for (let ex = 0; ex < batch; ex++) {
    let zN = 0;
    for (let j = 0; j < n; j++) {
      z[ex * n + j] = s.d[j]! * inner.z[ex * n + j]!;
      zN = Math.max(zN, Math.abs(z[ex * n + j]!));
    }
    if (inner.status[ex] === 'unbounded' && zN > 0) for (let j = 0; j < n; j++) z[ex * n + j] /= zN;
    for (let k = 0; k < m; k++) {
      lam[ex * m + k] = (s.e[k]! * inner.lam[ex * m + k]!) / s.c;
      slack[ex * m + k] = inner.slack[ex * m + k]! / s.e[k]!;
    }
    for (let k = 0; k < neq; k++) nu[ex * neq + k] = (s.f[k]! * inner.nu[ex * neq + k]!) / s.c;
  }
  return {
    ...inner,
    z, lam, nu, slack,
    backward(dlDz: Float64Array): QpBackwardResult {
      const dl = new Float64Array(dlDz.length);
      for (let i = 0; i < dlDz.length; i++) dl[i] = dlDz[i]! * s.d[i % n]!;
      const g = inner.backward(dl);
      const back = (grad: Float64Array, arg: QpArgument, rows: number, cols: number, left: ArrayLike<number> | null, right: ArrayLike<number> | null, k = 1) =>
        scaleMatrix({ data: grad, batched: arg.batched }, rows, cols, left, right, k).data;
      return {
        ...g,
        dQ: back(g.dQ, qp.Q, n, n, s.d, s.d, s.c),
        dp: back(g.dp, qp.p, 1, n, null, s.d, s.c),
        dG: back(g.dG, qp.G, m, n, s.e, s.d),
        dh: back(g.dh, qp.h, 1, m, null, s.e),
        dA: back(g.dA, qp.A, neq, n, s.f, s.d),
        db: back(g.db, qp.b, 1, neq, null, s.f),
      };
    },
  };
}
