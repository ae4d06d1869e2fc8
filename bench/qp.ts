/**
 * Batched QP benchmark (`npm run bench -- qp [--repeats N] [--tol X] [--threads K]`):
 * time and KKT residual of `solveQpBatch` on random feasible QPs with every
 * argument batched (`randomQpCase`: Q = LL' + 1e-3 I, h = G z0 + s0,
 * b = A z0), one JSON line per (batch, n, nineq, neq). Each of `--repeats`
 * (default 5) rounds, after an untimed warm-up, times
 *  - inference: the forward solve alone (`fwd_inference_s`; the backward
 *    factorization is deferred to the first backward call, so inference never
 *    pays for it), then
 *  - training: a fresh forward solve (`fwd_s`) followed by the backward pass
 *    of l = sum(z) (`bwd_s`, which includes that deferred factorization),
 *    and their sum `fwd_bwd_s`;
 * each reported as median, quartiles, min and max. `--tol` (default 1e-12,
 * so the absolute KKT residual of these unnormalized problems, whose Q has
 * norm ~n, is <= 1e-8); `--threads` (default 0 = automatic: worker threads
 * for the larger cases, see `QpOptions.threads`). CPU seconds (all threads)
 * are reported too, since the machine may be shared.
 */
import { solveQpBatch } from '../solvers/qp/index.js';
import { startQpWorkers } from '../solvers/qp/qp_worker_pool.js';
import { flagValue, positiveIntFlag, positiveNumberFlag } from './common/flags.js';
import { cpuSecondsSince, machineInfo } from './common/machine.js';
import { randomQpCase } from './common/qp_cases.js';
import { summarize } from './common/stats.js';

/** (batch, n, nineq, neq). */
export const QP_CASES: ReadonlyArray<readonly [number, number, number, number]> = [
  [1, 10, 10, 0],
  [64, 10, 10, 0],
  [128, 50, 50, 0],
  [128, 100, 100, 0],
  [32, 100, 100, 10],
];

/** The case key shared with bench/peers/qp_qpth.py. */
export function qpCaseKey([batch, n, m, neq]: readonly [number, number, number, number]): string {
  return `qp_b${batch}_n${n}_m${m}_eq${neq}`;
}

/** Seed of case k's data (the peers use the same). */
export const qpSeed = (k: number) => 2000 + k;

export async function main(args: string[]): Promise<void> {
  const tol = positiveNumberFlag(args, 'tol', 1e-12);
  const threadsRaw = flagValue(args, 'threads');
  const threads = threadsRaw === undefined ? 0 : Number(threadsRaw);
  if (!Number.isInteger(threads) || threads < 0) throw new RangeError(`--threads must be a non-negative integer, got '${threadsRaw}'`);
  const repeats = positiveIntFlag(args, 'repeats', 5);
  // Load the worker threads and warm up the JIT (forward and backward) so no timing includes start-up.
  if (threads !== 1) await startQpWorkers();
  for (let r = 0; r < 3; r++) solveQpBatch(randomQpCase(16, 30, 30, 2, 99 + r), { tol, threads }).backward(new Float64Array(16 * 30).fill(1));
  for (const [k, spec] of QP_CASES.entries()) {
    const [batch, n, nineq, neq] = spec;
    const qp = randomQpCase(batch, n, nineq, neq, qpSeed(k));
    const dl = new Float64Array(batch * n).fill(1);
    const inference: number[] = [];
    const fwd: number[] = [];
    const bwd: number[] = [];
    const inferenceCpu: number[] = [];
    const fwdBwdCpu: number[] = [];
    let last = solveQpBatch(qp, { tol, threads });
    last.backward(dl); // warm-up of this size
    for (let r = 0; r < repeats; r++) {
      let c0 = process.cpuUsage();
      let t0 = performance.now();
      solveQpBatch(qp, { tol, threads });
      inference.push((performance.now() - t0) / 1000);
      inferenceCpu.push(cpuSecondsSince(c0));
      c0 = process.cpuUsage();
      t0 = performance.now();
      last = solveQpBatch(qp, { tol, threads });
      const t1 = performance.now();
      last.backward(dl);
      const t2 = performance.now();
      fwdBwdCpu.push(cpuSecondsSince(c0));
      fwd.push((t1 - t0) / 1000);
      bwd.push((t2 - t1) / 1000);
    }
    const optimal = last.status.filter((s) => s === 'optimal').length;
    console.log(JSON.stringify({
      bench: 'qp',
      case: qpCaseKey(spec),
      impl: 'optlayers/qp',
      batch, n, nineq, neq,
      settings: { tol, threads },
      repeats,
      timings: {
        fwd_inference_s: summarize(inference),
        fwd_s: summarize(fwd),
        bwd_s: summarize(bwd),
        fwd_bwd_s: summarize(fwd.map((f, i) => f + bwd[i]!)),
        fwd_inference_cpu_s: summarize(inferenceCpu),
        fwd_bwd_cpu_s: summarize(fwdBwdCpu),
      },
      kkt_residual: Number(Math.max(...last.kktResidual).toExponential(2)),
      optimal,
      solved: last.status.filter((s) => s === 'optimal' || s === 'optimal_inaccurate').length,
      max_iterations: Math.max(...last.iterations),
      machine: machineInfo(),
    }));
  }
}
