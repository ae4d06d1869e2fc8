import type { SolverStatus } from '../status.js';
import type { QpArgument, QpBackwardResult, QpBatch, QpResult } from './qp_types.js';

const ARGS = ['Q', 'p', 'G', 'h', 'A', 'b'] as const;

/** Example e of `qp` as a batch of one (views, no copies). */
export function exampleBatch(qp: QpBatch, e: number): QpBatch {
  const sizes = { Q: qp.n * qp.n, p: qp.n, G: qp.nIneq * qp.n, h: qp.nIneq, A: qp.nEq * qp.n, b: qp.nEq };
  const pick = (arg: QpArgument, size: number): QpArgument => ({
    data: arg.batched ? arg.data.subarray(e * size, (e + 1) * size) : arg.data,
    batched: false,
  });
  return {
    batch: 1, n: qp.n, nIneq: qp.nIneq, nEq: qp.nEq,
    Q: pick(qp.Q, sizes.Q), p: pick(qp.p, sizes.p), G: pick(qp.G, sizes.G),
    h: pick(qp.h, sizes.h), A: pick(qp.A, sizes.A), b: pick(qp.b, sizes.b),
  };
}

/**
 * Whether the examples' data differ so much in scale that one equilibration
 * cannot serve them all: some row or column infinity norm of Q, G or A, or
 * |p|_inf, varies by more than `ratio` across the examples. One O(n^2 + mn)
 * pass per example.
 */
export function heterogeneousScales(qp: QpBatch, ratio = 16): boolean {
  if (qp.batch < 2) return false;
  const { n, nIneq: m, nEq: neq, batch } = qp;
  const lo = new Float64Array(2 * n + m + neq + 1).fill(Infinity);
  const hi = new Float64Array(2 * n + m + neq + 1);
  const cur = new Float64Array(lo.length);
  for (let e = 0; e < batch; e++) {
    cur.fill(0);
    const mat = (arg: QpArgument, rows: number, rowAt: number, colAt: number) => {
      const off = arg.batched ? e * rows * n : 0;
      for (let r = 0; r < rows; r++) {
        for (let j = 0; j < n; j++) {
          const v = Math.abs(arg.data[off + r * n + j]!);
          if (v > cur[rowAt + r]!) cur[rowAt + r] = v;
          if (v > cur[colAt + j]!) cur[colAt + j] = v;
        }
      }
    };
    // Layout: [Q rows (n) | columns (n) | G rows (m) | A rows (neq) | |p|].
    mat(qp.Q, n, 0, n);
    mat(qp.G, m, 2 * n, n);
    mat(qp.A, neq, 2 * n + m, n);
    const pOff = qp.p.batched ? e * n : 0;
    for (let j = 0; j < n; j++) cur[cur.length - 1] = Math.max(cur[cur.length - 1]!, Math.abs(qp.p.data[pOff + j]!));
    for (let i = 0; i < cur.length; i++) {
      if (cur[i]! < lo[i]!) lo[i] = cur[i]!;
      if (cur[i]! > hi[i]!) hi[i] = cur[i]!;
    }
  }
  for (let i = 0; i < lo.length; i++) if (hi[i]! > ratio * lo[i]! && hi[i]! > 0) return true;
  return false;
}

/**
 * Solves every example as its own batch of one (so each gets its own
 * equilibration) and assembles one result: per-example outputs stacked,
 * backward summed into shared arguments and placed for batched ones.
 */
export function solveExamplesSeparately(qp: QpBatch, solveOne: (one: QpBatch) => QpResult): QpResult {
  const { batch, n, nIneq: m, nEq: neq } = qp;
  const parts = Array.from({ length: batch }, (_, e) => solveOne(exampleBatch(qp, e)));
  const stackOf = (key: 'z' | 'lam' | 'nu' | 'slack', size: number) => {
    const out = new Float64Array(batch * size);
    parts.forEach((r, e) => out.set(r[key], e * size));
    return out;
  };
  const status: SolverStatus[] = parts.map((r) => r.status[0]!);
  return {
    batch,
    z: stackOf('z', n),
    lam: stackOf('lam', m),
    nu: stackOf('nu', neq),
    slack: stackOf('slack', m),
    status,
    iterations: Int32Array.from(parts, (r) => r.iterations[0]!),
    kktResidual: Float64Array.from(parts, (r) => r.kktResidual[0]!),
    messages: parts.map((r) => r.messages[0]!),
    backward(dlDz: Float64Array): QpBackwardResult {
      const sizes = { Q: n * n, p: n, G: m * n, h: m, A: neq * n, b: neq };
      const grads = { Q: new Float64Array(qp.Q.data.length), p: new Float64Array(qp.p.data.length), G: new Float64Array(qp.G.data.length), h: new Float64Array(qp.h.data.length), A: new Float64Array(qp.A.data.length), b: new Float64Array(qp.b.data.length) };
      const backwardResidual = new Float64Array(batch);
      const backwardFailed = new Uint8Array(batch);
      parts.forEach((r, e) => {
        const g = r.backward(dlDz.slice(e * n, (e + 1) * n));
        backwardResidual[e] = g.backwardResidual[0]!;
        backwardFailed[e] = g.backwardFailed[0]!;
        const from = { Q: g.dQ, p: g.dp, G: g.dG, h: g.dh, A: g.dA, b: g.db };
        for (const key of ARGS) {
          const size = sizes[key];
          if (qp[key].batched) grads[key].set(from[key], e * size);
          else for (let i = 0; i < size; i++) grads[key][i] += from[key][i]!;
        }
      });
      return { dQ: grads.Q, dp: grads.p, dG: grads.G, dh: grads.h, dA: grads.A, db: grads.b, backwardResidual, backwardFailed };
    },
  };
}
