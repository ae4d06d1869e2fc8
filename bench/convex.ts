/**
 * `npm run bench -- convex [--repeats N] [--cases 0,1,2] [--no-scs]`: forward
 * and backward time of a convex layer on the dense QP of cvxpylayers'
 * examples/torch/prof.py (Agrawal et al. 2019, sec. 7), with the same
 * parametrization as that script, every parameter batched:
 *   minimize 1/2 |S z|^2 + p'z  s.t.  G z <= h      (S = Q^(1/2), p, G, h per batch element)
 * (data: `denseQpCase`, prof.py's generator; prof.py measures batch 128,
 * n = m = 128 only, the two smaller cases use the same generator). Routes:
 * 'auto' (batched interior point QP, the layer's default tolerance) and 'scs'
 * (SCS at prof.py's eps 1e-6 and max_iters 1000, then the cone-program
 * derivative). Times are of the float64 solution map that ConvexLayer wraps,
 * one untimed warm-up call, then `--repeats` (default 5) timed calls: each
 * line reports median, quartiles, min and max. The backward pass is of
 * l = sum(z), as prof.py's `z.sum().backward()`.
 * grad_err: for every batch element and every parameter (dS, dp, dG, dh), the
 * max-norm error of the layer's gradient relative to the max norm of the
 * exact active-set gradient (`activeSetQp`: dense KKT solve on the active
 * set, verified optimal by sign checks), i.e. independent of both routes'
 * backward code; z_err likewise for the solution. Both are over the elements
 * the layer reports 'optimal' (all, when `elements_not_optimal` is 0); the
 * others are flagged by their status and get zero gradient.
 */
import { Problem, matmul, minimize, multiply, parameter, sum, sumSquares, variable } from '../dsl/index.js';
import { initSolvers } from '../solvers/init.js';
import { solveQpBatch } from '../solvers/qp/index.js';
import { ConvexSolutionMap, type ConvexSolverChoice, type ParameterValues, type SolvedBatch } from '../src/convex/index.js';
import { activeSetQp } from './common/active_set_qp.js';
import { flagValue, hasFlag, positiveIntFlag } from './common/flags.js';
import { cpuSecondsSince, machineInfo } from './common/machine.js';
import { denseQpCase, type DenseQpCase } from './common/qp_cases.js';
import { summarize } from './common/stats.js';

/** (batch, n, nineq); index 2 is prof.py's measured case. */
export const CONVEX_CASES: ReadonlyArray<{ batch: number; n: number; nineq: number }> = [
  { batch: 64, n: 10, nineq: 10 },
  { batch: 128, n: 50, nineq: 50 },
  { batch: 128, n: 128, nineq: 128 },
];

/** The case key shared with bench/peers/convex_cvxpylayers.py. */
export function convexCaseKey(c: { batch: number; n: number; nineq: number }): string {
  return `dense_qp_b${c.batch}_n${c.n}_m${c.nineq}`;
}

/** Seed of case k's data (the peers use the same). */
export const convexSeed = (k: number) => 1500 + k;

/** prof.py's SCS settings. */
const SCS_SETTINGS = { tol: 1e-6, maxIters: 1000 } as const;

function denseQpProblem(n: number, m: number) {
  const z = variable(n, { name: 'z' });
  const S = parameter([n, n], { name: 'S' });
  const p = parameter(n, { name: 'p' });
  const G = parameter([m, n], { name: 'G' });
  const h = parameter(m, { name: 'h' });
  const problem = new Problem(minimize(sumSquares(matmul(S, z)).mul(0.5).add(sum(multiply(p, z)))), [matmul(G, z).le(h)]);
  return { problem, spec: { parameters: [S, p, G, h], variables: [z] } };
}

/** Worst per-element relative max-norm error of `got` against `ref` (both batch x size) over the elements in `include`. */
function worstRelative(got: Float64Array, ref: Float64Array, batch: number, include: (e: number) => boolean): { err: number; element: number } {
  const size = ref.length / batch;
  let worst = { err: 0, element: -1 };
  for (let e = 0; e < batch; e++) {
    if (!include(e)) continue;
    let diff = 0;
    let scale = 0;
    for (let i = e * size; i < (e + 1) * size; i++) {
      diff = Math.max(diff, Math.abs(got[i]! - ref[i]!));
      scale = Math.max(scale, Math.abs(ref[i]!));
    }
    const err = diff / Math.max(scale, 1e-12);
    if (!(err <= worst.err)) worst = { err, element: e };
  }
  return worst;
}

/**
 * Exact reference per element: the active set guessed from an accurate
 * interior point solve (lam_k > s_k), then solved and differentiated densely.
 */
function exactReference(data: DenseQpCase) {
  const { batch, n, m } = data;
  const Q = new Float64Array(batch * n * n);
  for (let e = 0; e < batch; e++) {
    for (let k = 0; k < n; k++) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) Q[e * n * n + i * n + j] += data.S[e * n * n + k * n + i]! * data.S[e * n * n + k * n + j]!;
  }
  const guess = solveQpBatch({
    batch, n, nIneq: m, nEq: 0,
    Q: { data: Q, batched: true }, p: { data: data.p, batched: true }, G: { data: data.G, batched: true }, h: { data: data.h, batched: true },
    A: { data: new Float64Array(0), batched: false }, b: { data: new Float64Array(0), batched: false },
  }, { tol: 1e-12 });
  const out = { z: new Float64Array(batch * n), dS: new Float64Array(batch * n * n), dp: new Float64Array(batch * n), dG: new Float64Array(batch * m * n), dh: new Float64Array(batch * m), verified: 0, minMargin: Infinity };
  const ones = new Float64Array(n).fill(1);
  for (let e = 0; e < batch; e++) {
    const active = Uint8Array.from({ length: m }, (_, k) => (guess.lam[e * m + k]! > guess.slack[e * m + k]! ? 1 : 0));
    const r = activeSetQp(
      data.S.subarray(e * n * n, (e + 1) * n * n), data.p.subarray(e * n, (e + 1) * n),
      data.G.subarray(e * m * n, (e + 1) * m * n), data.h.subarray(e * m, (e + 1) * m), n, m, active, ones,
    );
    if (r.optimal) out.verified++;
    out.minMargin = Math.min(out.minMargin, r.margin);
    out.z.set(r.z, e * n);
    out.dS.set(r.dS, e * n * n);
    out.dp.set(r.dp, e * n);
    out.dG.set(r.dG, e * m * n);
    out.dh.set(r.dh, e * m);
  }
  return out;
}

export async function main(args: string[]): Promise<void> {
  await initSolvers();
  const repeats = positiveIntFlag(args, 'repeats', 5);
  const routes: ConvexSolverChoice[] = hasFlag(args, 'no-scs') ? ['auto'] : ['auto', 'scs'];
  const which = (flagValue(args, 'cases') ?? '0,1,2').split(',').map(Number);
  for (const k of which) {
    const c = CONVEX_CASES[k];
    if (!c) throw new RangeError(`--cases: no case ${k} (there are ${CONVEX_CASES.length})`);
    const data = denseQpCase(c.batch, c.n, c.nineq, convexSeed(k));
    const values: ParameterValues[] = [data.S, data.p, data.G, data.h].map((d) => ({ data: d, batched: true }));
    const exact = exactReference(data);
    const { problem, spec } = denseQpProblem(c.n, c.nineq);
    for (const solver of routes) {
      const settings = solver === 'scs' ? { solver, ...SCS_SETTINGS, onSolverFailure: 'zero-gradient' as const } : { solver, onSolverFailure: 'zero-gradient' as const };
      const map = new ConvexSolutionMap(problem, spec, settings);
      const fwd: number[] = [];
      const bwd: number[] = [];
      const fwdCpu: number[] = [];
      const bwdCpu: number[] = [];
      let solved!: SolvedBatch;
      let grads!: Float64Array[];
      for (let rep = 0; rep <= repeats; rep++) {
        let t0 = performance.now();
        let c0 = process.cpuUsage();
        const packed = map.packThetas(values);
        solved = map.solve(packed.thetas, packed.batch);
        const tf = (performance.now() - t0) / 1000;
        const cf = cpuSecondsSince(c0);
        const dz = new Float64Array(solved.variables[0]!.length).fill(1);
        t0 = performance.now();
        c0 = process.cpuUsage();
        grads = map.unpackGradient(solved.backward([dz]), packed.batch, [true, true, true, true]);
        const tb = (performance.now() - t0) / 1000;
        const cb = cpuSecondsSince(c0);
        if (rep === 0) continue; // warm-up (JIT, SCS workspace)
        fwd.push(tf);
        bwd.push(tb);
        fwdCpu.push(cf);
        bwdCpu.push(cb);
      }
      // Elements the layer did not solve are flagged by their status (zero gradient by policy), not graded.
      const accepted = (e: number) => solved.stats.statuses[e] === 'optimal';
      const gradErr = {
        dS: worstRelative(grads[0]!, exact.dS, c.batch, accepted),
        dp: worstRelative(grads[1]!, exact.dp, c.batch, accepted),
        dG: worstRelative(grads[2]!, exact.dG, c.batch, accepted),
        dh: worstRelative(grads[3]!, exact.dh, c.batch, accepted),
      };
      const nAccepted = solved.stats.statuses.filter((s) => s === 'optimal').length;
      const statuses: Record<string, number> = {};
      for (const s of solved.stats.statuses) statuses[s] = (statuses[s] ?? 0) + 1;
      const fmt = (x: number) => Number(x.toExponential(2));
      console.log(JSON.stringify({
        bench: 'convex',
        case: convexCaseKey(c),
        impl: `optlayers/${solver}`,
        route: map.route,
        batch: c.batch,
        n: c.n,
        nineq: c.nineq,
        batched_parameters: ['S', 'p', 'G', 'h'],
        settings: solver === 'scs' ? { eps_abs: SCS_SETTINGS.tol, eps_rel: SCS_SETTINGS.tol, max_iters: SCS_SETTINGS.maxIters } : { qp_tol: 1e-10 },
        repeats,
        timings: {
          fwd_s: summarize(fwd),
          bwd_s: summarize(bwd),
          total_s: summarize(fwd.map((f, i) => f + bwd[i]!)),
          fwd_cpu_s: summarize(fwdCpu),
          bwd_cpu_s: summarize(bwdCpu),
        },
        grad_err: { dS: fmt(gradErr.dS.err), dp: fmt(gradErr.dp.err), dG: fmt(gradErr.dG.err), dh: fmt(gradErr.dh.err) },
        grad_err_worst_element: { dS: gradErr.dS.element, dp: gradErr.dp.element, dG: gradErr.dG.element, dh: gradErr.dh.element },
        grad_elements_checked: nAccepted,
        elements_not_optimal: c.batch - nAccepted,
        z_err: fmt(worstRelative(solved.variables[0]!, exact.z, c.batch, accepted).err),
        reference: { kind: 'exact active-set KKT gradient (dense LU)', verified_optimal: exact.verified, min_complementarity_margin: fmt(exact.minMargin) },
        mean_iters: Number((solved.stats.iterations.reduce((a, b) => a + b, 0) / c.batch).toFixed(1)),
        statuses,
        machine: machineInfo(),
      }));
    }
  }
}
