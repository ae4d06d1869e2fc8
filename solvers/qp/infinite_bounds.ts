import type { QpArgument, QpBackwardResult, QpBatch, QpResult } from './qp_types.js';

/**
 * Inequality bounds h_k at or above this are "no bound" (as Clarabel's
 * presolve and OSQP's OSQP_INFTY treat them): such a row is dropped before
 * the solve. Kept, a row g_k z <= 1e30 puts slacks of 1e30 next to
 * multipliers of 1, so mu starts at 1e30 and the iteration overflows or
 * stalls (and false certificates follow).
 */
export const INFINITE_BOUND = 1e20;

/** A batch with its infinite-bound rows dropped, and the map of results back to the full batch. */
export interface DroppedRows {
  readonly reduced: QpBatch;
  /** Full row index of each kept row. */
  readonly kept: Int32Array;
  /** Full row indices of the dropped rows. */
  readonly dropped: Int32Array;
}

/**
 * The rows k with h_k >= `INFINITE_BOUND` in every example, removed from G
 * and h; null when there are none. (A row huge in some examples only is kept:
 * dropping it would need a per-example G.)
 */
export function dropInfiniteRows(qp: QpBatch): DroppedRows | null {
  const { batch, n, nIneq: m } = qp;
  if (m === 0) return null;
  const hCount = qp.h.batched ? batch : 1;
  const keep: number[] = [];
  const drop: number[] = [];
  for (let k = 0; k < m; k++) {
    let huge = true;
    for (let e = 0; e < hCount && huge; e++) if (!(qp.h.data[e * m + k]! >= INFINITE_BOUND)) huge = false;
    (huge ? drop : keep).push(k);
  }
  if (drop.length === 0) return null;
  const mk = keep.length;
  const gCount = qp.G.batched ? batch : 1;
  const G = new Float64Array(gCount * mk * n);
  for (let e = 0; e < gCount; e++) {
    keep.forEach((k, r) => G.set(qp.G.data.subarray((e * m + k) * n, (e * m + k + 1) * n), (e * mk + r) * n));
  }
  const h = new Float64Array(hCount * mk);
  for (let e = 0; e < hCount; e++) keep.forEach((k, r) => (h[e * mk + r] = qp.h.data[e * m + k]!));
  return {
    reduced: { ...qp, nIneq: mk, G: { data: G, batched: qp.G.batched }, h: { data: h, batched: qp.h.batched } },
    kept: Int32Array.from(keep),
    dropped: Int32Array.from(drop),
  };
}

/** Row k of the full G of example e. */
function gRow(qp: QpBatch, e: number, k: number): Float64Array {
  const off = ((qp.G.batched ? e * qp.nIneq : 0) + k) * qp.n;
  return qp.G.data.subarray(off, off + qp.n);
}

/**
 * The result of the reduced solve as a result of the full batch: dropped rows
 * get lam = 0 and slack h - G z; the backward pass gives them zero dG, dh
 * (an inactive row does not move the solution). Statuses are re-checked on
 * the dropped rows: an optimal point must satisfy them (else `max_iters`), an
 * unbounded ray d (the returned z) must have g_k d <= tol |g_k|_1 |d|_inf on
 * them, else the objective is bounded by those huge bounds and the status
 * becomes `unbounded_inaccurate` ("unbounded once bounds >= 1e20 are read as
 * infinite"), with the reason in `messages`.
 */
export function expandDroppedRows(full: QpBatch, d: DroppedRows, inner: QpResult, tol: number): QpResult {
  const { batch, n, nIneq: m } = full;
  const mk = d.kept.length;
  const lam = new Float64Array(batch * m);
  const slack = new Float64Array(batch * m);
  const status = inner.status.slice();
  const messages = inner.messages.slice();
  for (let e = 0; e < batch; e++) {
    const z = inner.z.subarray(e * n, (e + 1) * n);
    d.kept.forEach((k, r) => {
      lam[e * m + k] = inner.lam[e * mk + r]!;
      slack[e * m + k] = inner.slack[e * mk + r]!;
    });
    let zN = 0;
    for (let i = 0; i < n; i++) zN = Math.max(zN, Math.abs(z[i]!));
    for (const k of d.dropped) {
      const row = gRow(full, e, k);
      let gz = 0;
      let rowN = 0;
      for (let i = 0; i < n; i++) {
        gz += row[i]! * z[i]!;
        rowN += Math.abs(row[i]!);
      }
      const h = full.h.data[(full.h.batched ? e * m : 0) + k]!;
      slack[e * m + k] = h - gz;
      const s = status[e]!;
      if ((s === 'unbounded' || s === 'unbounded_inaccurate') && gz > tol * rowN * zN) {
        status[e] = 'unbounded_inaccurate';
        messages[e] = `unbounded only if the bound h[${k}] = ${h} (>= ${INFINITE_BOUND}) is read as infinite: the ray meets it`;
      } else if ((s === 'optimal' || s === 'optimal_inaccurate') && gz > h) {
        status[e] = 'max_iters';
        messages[e] = `the point violates the dropped huge-bound row ${k} (g'z = ${gz} > h = ${h})`;
      }
    }
  }
  const scatterRows = (arg: QpArgument, per: number, src: Float64Array): Float64Array => {
    const count = arg.batched ? batch : 1;
    const out = new Float64Array(count * m * per);
    for (let e = 0; e < count; e++) {
      d.kept.forEach((k, r) => out.set(src.subarray((e * mk + r) * per, (e * mk + r + 1) * per), (e * m + k) * per));
    }
    return out;
  };
  return {
    ...inner,
    lam,
    slack,
    status,
    messages,
    backward(dlDz: Float64Array): QpBackwardResult {
      // Examples downgraded here take no gradient (the inner solve still counts them solved).
      let dl = dlDz;
      for (let e = 0; e < batch; e++) {
        if (status[e] !== inner.status[e] && dlDz.length === batch * n) {
          if (dl === dlDz) dl = dlDz.slice();
          dl.fill(0, e * n, (e + 1) * n);
        }
      }
      const g = inner.backward(dl);
      return { ...g, dG: scatterRows(full.G, n, g.dG), dh: scatterRows(full.h, 1, g.dh) };
    },
  };
}
