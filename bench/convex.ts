/**
 * `npm run bench -- convex [--no-scs] [--cases=0,1,2]`: forward and backward
 * time of a convex layer on the dense QP of the convex-layers paper
 * (Agrawal et al. 2019, sec. 7):
 *   minimize 1/2 |L z|^2 + p'z  s.t.  G z <= h    (L, p parameters per batch element; G, h fixed, feasible)
 * on both routes: 'auto' (batched interior point QP) and 'scs' (SCS at
 * tolerance 1e-6 + cone-program derivative). One JSON line per case and route.
 * Times are of the float64 solution map that ConvexLayer wraps (the float32
 * tensor conversion around it is a few ms), after one untimed warm-up call,
 * median of up to 5 calls (1 when a call takes over a CPU second). grad_err is the worst relative
 * error of the directional derivative along 3 random unit directions in (L, p)
 * against central differences (step 1e-3) of accurate solves (QP tol 1e-11 / SCS 1e-10),
 * on the first 4 batch elements. fwd_cpu_s / bwd_cpu_s are the CPU seconds of
 * this process (the wall times are inflated when other processes share the cores).
 */
import { Problem, constant, matmul, minimize, multiply, parameter, sum, sumSquares, variable } from '../dsl/index.js';
import { initSolvers } from '../solvers/init.js';
import { ConvexSolutionMap, type ConvexSolverChoice, type ParameterValues, type SolvedBatch } from '../src/convex/index.js';

const CASES = [
  { batch: 64, n: 10, nineq: 10, refFwd: 0.135, refBwd: 0.06 },
  { batch: 128, n: 50, nineq: 50, refFwd: 0.99, refBwd: 0.18 },
  { batch: 128, n: 128, nineq: 128, refFwd: 14.9, refBwd: 1.08 },
];

function normals(seed: number): () => number {
  let s = seed >>> 0;
  const u = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

function denseQp(n: number, nineq: number, seed: number) {
  const randn = normals(seed);
  const z = variable(n, { name: 'z' });
  const L = parameter([n, n], { name: 'L' });
  const p = parameter(n, { name: 'p' });
  const G = Array.from({ length: nineq }, () => Array.from({ length: n }, randn));
  const z0 = Array.from({ length: n }, randn);
  const h = G.map((row) => row.reduce((a, g, j) => a + g * z0[j]!, 0) + 1 + Math.abs(randn()));
  const problem = new Problem(minimize(sumSquares(matmul(L, z)).mul(0.5).add(sum(multiply(p, z)))), [matmul(constant(G), z).le(constant(h))]);
  return { problem, L, p, z };
}

/** CPU seconds (user + system) of this process since `start`: less sensitive than wall time to other processes on a shared machine. */
function cpuSeconds(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1e6;
}

function values(n: number, batch: number, seed: number): ParameterValues[] {
  const randn = normals(seed);
  const L = new Float64Array(batch * n * n);
  for (let e = 0; e < batch; e++) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) L[e * n * n + i * n + j] = (i === j ? 1 : 0) + randn() / Math.sqrt(n);
  return [{ data: L, batched: true }, { data: Float64Array.from({ length: batch * n }, randn), batched: true }];
}

export async function main(args: string[]): Promise<void> {
  await initSolvers();
  const routes: ConvexSolverChoice[] = args.includes('--no-scs') ? ['auto'] : ['auto', 'scs'];
  const pick = args.find((a) => a.startsWith('--cases='));
  const which = pick ? pick.slice(8).split(',').map(Number) : [0, 1, 2];
  for (const k of which) {
    const c = CASES[k]!;
    const { problem, L, p, z } = denseQp(c.n, c.nineq, 17 + k);
    const vals = values(c.n, c.batch, 29 + k);
    for (const solver of routes) {
      const spec = { parameters: [L, p], variables: [z] };
      const tol = solver === 'scs' ? 1e-6 : undefined;
      const map = new ConvexSolutionMap(problem, spec, { solver, tol });
      // Untimed warm-up call (JIT compilation of the hot loops), then the
      // median of up to 5 timed calls (1 when a call takes over a second).
      const runs: { fwd: number; bwd: number; fwdCpu: number; bwdCpu: number }[] = [];
      let solved!: SolvedBatch;
      let grads!: Float64Array[];
      let batch = 0;
      const randn = normals(99);
      let w!: Float64Array;
      for (let rep = 0; rep < 6; rep++) {
        let t0 = performance.now();
        let c0 = process.cpuUsage();
        const packed = map.packThetas(vals);
        batch = packed.batch;
        solved = map.solve(packed.thetas, batch);
        const fwd = (performance.now() - t0) / 1000;
        const fwdCpu = cpuSeconds(c0);
        w ??= Float64Array.from(solved.variables[0]!, () => randn());
        t0 = performance.now();
        c0 = process.cpuUsage();
        grads = map.unpackGradient(solved.backward([w]), batch, [true, true]);
        const bwd = (performance.now() - t0) / 1000;
        const bwdCpu = cpuSeconds(c0);
        if (rep > 0) runs.push({ fwd, bwd, fwdCpu, bwdCpu });
        if (rep > 0 && fwdCpu + bwdCpu > 1) break;
      }
      const median = (f: (r: (typeof runs)[number]) => number) => {
        const v = runs.map(f).sort((a, b) => a - b);
        return v[Math.floor(v.length / 2)]!;
      };
      const fwd = median((r) => r.fwd);
      const bwd = median((r) => r.bwd);
      const fwdCpu = median((r) => r.fwdCpu);
      const bwdCpu = median((r) => r.bwdCpu);
      // Directional finite differences on the first 4 batch elements with an accurate solve.
      const sub = 4;
      const subVals = vals.map((v) => ({ data: v.data.slice(0, (v.data.length / batch) * sub), batched: true }));
      const accurate = new ConvexSolutionMap(problem, spec, solver === 'scs' ? { solver, tol: 1e-10 } : { solver, tol: 1e-11, qp: { tolInaccurate: 1e-9 } });
      const loss = (vs: ParameterValues[]) => {
        const pk = accurate.packThetas(vs);
        const s = accurate.solve(pk.thetas, pk.batch).variables[0]!;
        let l = 0;
        for (let i = 0; i < s.length; i++) l += w[i]! * s[i]!;
        return l;
      };
      let gradErr = 0;
      for (let d = 0; d < 3; d++) {
        const dirs = subVals.map((v) => Float64Array.from(v.data, () => randn()));
        const norm = Math.sqrt(dirs.reduce((a, dir) => a + dir.reduce((b, x) => b + x * x, 0), 0));
        dirs.forEach((dir) => dir.forEach((x, q) => (dir[q] = x / norm)));
        let analytic = 0;
        dirs.forEach((dir, i) => dir.forEach((x, q) => (analytic += x * grads[i]![q]!)));
        const h = 1e-3;
        const shift = (s: number) => subVals.map((v, i) => ({ batched: true, data: Float64Array.from(v.data, (x, q) => x + s * dirs[i]![q]!) }));
        const fd = (loss(shift(h)) - loss(shift(-h))) / (2 * h);
        gradErr = Math.max(gradErr, Math.abs(fd - analytic) / Math.max(Math.abs(fd), 1e-8));
      }
      const statuses: Record<string, number> = {};
      for (const s of solved.stats.statuses) statuses[s] = (statuses[s] ?? 0) + 1;
      console.log(
        JSON.stringify({
          batch: c.batch,
          n: c.n,
          nineq: c.nineq,
          route: map.route,
          solver,
          fwd_s: +fwd.toFixed(4),
          bwd_s: +bwd.toFixed(4),
          fwd_cpu_s: +fwdCpu.toFixed(4),
          bwd_cpu_s: +bwdCpu.toFixed(4),
          grad_err: +gradErr.toExponential(2),
          ref_fwd_s: c.refFwd,
          ref_bwd_s: c.refBwd,
          speedup_total: +((c.refFwd + c.refBwd) / (fwd + bwd)).toFixed(2),
          speedup_total_cpu: +((c.refFwd + c.refBwd) / (fwdCpu + bwdCpu)).toFixed(2),
          timed_runs: runs.length,
          mean_iters: +(solved.stats.iterations.reduce((a, b) => a + b, 0) / batch).toFixed(1),
          statuses,
        }),
      );
    }
  }
}
