/**
 * Batched QP benchmark (`npm run bench -- qp`): forward and backward time and
 * max KKT residual of `solveQpBatch` on random feasible QPs with every
 * argument batched: Q = LL' + 1e-3 I, z0 ~ N(0, I), s0 ~ U(0, 1),
 * h = G z0 + s0, b = A z0. One JSON line per (batch, n, nineq, neq).
 * Options: `--tol X` (default 1e-12, so the absolute KKT residual of these unnormalized
 * problems, whose Q has norm ~n, is <= 1e-8); `--threads K` (default 0 =
 * automatic: worker threads for the larger cases, see `QpOptions.threads`).
 * Besides wall time, each line reports the process CPU time of forward and
 * backward (all threads) and the 1-minute load average, since the machine is shared.
 */
import { loadavg } from 'node:os';
import { solveQpBatch, type QpBatch } from '../solvers/qp/index.js';
import { startQpWorkers } from '../solvers/qp/qp_worker_pool.js';

function sampler(seed: number): () => number {
  let s = seed >>> 0;
  const uniform = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

function randomBatch(batch: number, n: number, m: number, neq: number, seed: number): QpBatch {
  const randn = sampler(seed);
  const Q = new Float64Array(batch * n * n);
  const p = new Float64Array(batch * n);
  const G = new Float64Array(batch * m * n);
  const h = new Float64Array(batch * m);
  const A = new Float64Array(batch * neq * n);
  const b = new Float64Array(batch * neq);
  const L = new Float64Array(n * n);
  for (let e = 0; e < batch; e++) {
    for (let i = 0; i < n * n; i++) L[i] = randn();
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        let t = 0;
        for (let k = 0; k < n; k++) t += L[i * n + k]! * L[j * n + k]!;
        Q[e * n * n + i * n + j] = Q[e * n * n + j * n + i] = t + (i === j ? 1e-3 : 0);
      }
    }
    const z0 = Array.from({ length: n }, randn);
    for (let i = 0; i < n; i++) p[e * n + i] = randn();
    for (let k = 0; k < m; k++) {
      let t = 0;
      for (let j = 0; j < n; j++) {
        const g = randn();
        G[(e * m + k) * n + j] = g;
        t += g * z0[j]!;
      }
      h[e * m + k] = t + 0.5 * (1 + Math.tanh(randn()));
    }
    for (let k = 0; k < neq; k++) {
      let t = 0;
      for (let j = 0; j < n; j++) {
        const a = randn();
        A[(e * neq + k) * n + j] = a;
        t += a * z0[j]!;
      }
      b[e * neq + k] = t;
    }
  }
  const arg = (data: Float64Array) => ({ data, batched: true });
  return { batch, n, nIneq: m, nEq: neq, Q: arg(Q), p: arg(p), G: arg(G), h: arg(h), A: arg(A), b: arg(b) };
}

const CASES: ReadonlyArray<readonly [number, number, number, number]> = [
  [1, 10, 10, 0],
  [64, 10, 10, 0],
  [128, 50, 50, 0],
  [128, 100, 100, 0],
  [32, 100, 100, 10],
];

export async function main(args: string[]): Promise<void> {
  const tolIdx = args.indexOf('--tol');
  const tol = tolIdx >= 0 ? Number(args[tolIdx + 1]) : 1e-12;
  const thrIdx = args.indexOf('--threads');
  const threads = thrIdx >= 0 ? Number(args[thrIdx + 1]) : 0;
  // Load the worker threads and warm up the JIT (forward and backward) so no row times start-up.
  if (threads !== 1) await startQpWorkers();
  for (let r = 0; r < 3; r++) {
    solveQpBatch(randomBatch(16, 30, 30, 2, 99 + r), { tol, threads }).backward(new Float64Array(16 * 30).fill(1));
  }
  for (const [batch, n, nineq, neq] of CASES) {
    const qp = randomBatch(batch, n, nineq, neq, 1000 + n + batch);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const res = solveQpBatch(qp, { tol, threads });
    const t1 = performance.now();
    const c1 = process.cpuUsage();
    const dl = new Float64Array(batch * n).fill(1);
    res.backward(dl);
    const t2 = performance.now();
    const c2 = process.cpuUsage();
    const cpu = (a: NodeJS.CpuUsage, b: NodeJS.CpuUsage) => +((b.user + b.system - a.user - a.system) / 1e6).toFixed(4);
    const solved = res.status.filter((s) => s === 'optimal').length;
    let iters = 0;
    for (const it of res.iterations) iters = Math.max(iters, it);
    console.log(JSON.stringify({
      batch, n, nineq, neq,
      fwd_s: +((t1 - t0) / 1000).toFixed(4),
      bwd_s: +((t2 - t1) / 1000).toFixed(4),
      kkt_residual: Math.max(...res.kktResidual),
      optimal: solved,
      solved: res.status.filter((s) => s === 'optimal' || s === 'optimal_inaccurate').length,
      max_iterations: iters,
      fwd_cpu_s: cpu(c0, c1),
      bwd_cpu_s: cpu(c1, c2),
      load: +loadavg()[0]!.toFixed(2),
    }));
  }
}
