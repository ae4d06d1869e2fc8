/**
 * Benchmark of the cone-program derivative: for random SOCPs with a known
 * solution (n variables, about 2n rows), prints per method (dense LU vs
 * GMRES) the time to build the derivative (projection Jacobians, M, and the
 * LU factorization for 'dense'), the time per adjoint call, and the max
 * relative error of the forward derivative against finite differences of the
 * exact solution map (polished SCS solves, Richardson-extrapolated).
 *
 *   npm run bench -- cone_derivative [sizes...] [--repeats 5]   (default sizes 20 50 100)
 *
 * Each timing is summarized over `--repeats` samples (median, quartiles, min,
 * max; milliseconds), each sample the mean of as many calls as fill a short
 * window (a single call is too short to time on its own at small sizes).
 *
 * Beyond n = 100 the finite-difference reference itself (SCS solves polished
 * by Newton steps) stops being accurate on these random SOCPs, so fd_rel_err
 * there measures the reference, not the derivative; `adjoint_forward_rel`
 * (consistency of the adjoint with the forward map) stays ~1e-12 at every size.
 */
import { coneProgramDerivative } from '../solvers/cone_derivative/index.js';
import { NO_CONES } from '../solvers/cone_program.js';
import { loadScs } from '../solvers/scs/index.js';
import {
  dotData,
  dotSolution,
  finiteDifference,
  randomDataDirection,
  randomSolutionDirection,
  relativeError,
  solveTight,
} from '../test/solvers/cone_derivative/finite_differences.js';
import { knownProgram, SeededRandom } from '../test/solvers/cone_derivative/random_programs.js';
import { positionalArgs, positiveIntFlag } from './common/flags.js';
import { machineInfo } from './common/machine.js';
import { summarize } from './common/stats.js';

/** One sample: the mean time of as many calls of `f` as fill `minMs` (after the first, untimed call). */
function timeIt<T>(f: () => T, minMs = 200): { value: T; ms: number } {
  let value = f();
  let reps = 1;
  const start = performance.now();
  let elapsed = 0;
  for (; elapsed < minMs; reps++) {
    value = f();
    elapsed = performance.now() - start;
  }
  return { value, ms: elapsed / (reps - 1) };
}

/** `repeats` samples of `timeIt`; returns the last value and every sample's mean time. */
function sampleIt<T>(f: () => T, repeats: number, minMs: number): { value: T; samples: number[] } {
  const samples: number[] = [];
  let value: T | undefined;
  for (let r = 0; r < repeats; r++) {
    const t = timeIt(f, minMs);
    value = t.value;
    samples.push(t.ms);
  }
  return { value: value!, samples };
}

export async function main(args: string[]): Promise<void> {
  await loadScs();
  const given = positionalArgs(args);
  const sizes = given.length > 0 ? given.map(Number) : [20, 50, 100];
  const repeats = positiveIntFlag(args, 'repeats', 5);
  for (const n of sizes) {
    // SOC blocks of size 5 (both on the boundary / s interior / y interior in turn) plus an orthant
    // sized so that exactly n constraint dimensions are active.
    const socCount = Math.max(3, Math.floor(n / 5));
    const soc = Array.from({ length: socCount }, () => 5);
    let active = 0;
    soc.forEach((q, k) => (active += k % 3 === 0 ? 1 : k % 3 === 2 ? q : 0));
    const nonneg = Math.max(n - active, 0) + Math.ceil(n / 2);
    const known = knownProgram({ ...NO_CONES, nonneg, soc }, Math.max(n, active), n);
    const p = known.program;
    const sol = solveTight(p);
    const rng = new SeededRandom(n + 1);
    const d = randomDataDirection(p, rng);
    const fd = finiteDifference(p, sol, d, 1e-5);
    const g = randomSolutionDirection(p, rng);
    for (const method of ['dense', 'iterative'] as const) {
      const build = sampleIt(() => coneProgramDerivative(p, sol, { method, tol: 1e-12 }), repeats, 50);
      const D = build.value;
      const adjoint = sampleIt(() => D.adjoint(g), repeats, 100);
      const adjointIterations = D.lastSolve?.iterations ?? 0;
      const fwd = D.forward(d);
      const consistency = Math.abs(dotData(adjoint.value, d) - dotSolution(g, fwd)) / Math.abs(dotSolution(g, fwd));
      console.log(
        JSON.stringify({
          bench: 'cone_derivative',
          method,
          n: p.c.length,
          m: p.b.length,
          system: D.size,
          repeats,
          timings: { build_ms: summarize(build.samples), adjoint_ms: summarize(adjoint.samples) },
          adjoint_iterations: adjointIterations,
          fd_rel_err: +relativeError(fwd, fd).toExponential(2),
          adjoint_forward_rel: +consistency.toExponential(2),
          machine: machineInfo(),
        }),
      );
    }
  }
}
