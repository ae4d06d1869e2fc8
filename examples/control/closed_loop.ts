/**
 * Receding-horizon simulation: at every step set x0 to the measured state,
 * re-solve the compiled MPC problem (warm-started from the previous solve),
 * apply the first planned input, and advance the true system.
 */
import { SolverError } from 'optlayers/solvers';
import type { SeededRandom } from '../common/random.js';
import { step, type LinearSystem } from './linear_system.js';
import type { MpcProblem } from './mpc_problem.js';

export interface ClosedLoopResult {
  /** (steps + 1) states, each of length nx. */
  readonly states: Float64Array[];
  /** steps inputs, each of length nu. */
  readonly inputs: Float64Array[];
  /** sum_t x_t' diag(q) x_t + r |u_t|^2 over the simulation. */
  readonly cost: number;
  /** Wall-clock of each solve, milliseconds. */
  readonly solveMs: number[];
  /** SCS iterations of each solve. */
  readonly iterations: number[];
}

export interface ClosedLoopOptions {
  readonly steps: number;
  /** Standard deviation of additive process noise on every state (default 0). */
  readonly noise?: number;
  readonly rng?: SeededRandom;
  /** Solver tolerance (default 1e-7). */
  readonly eps?: number;
  readonly onStep?: (t: number) => void;
}

export function runClosedLoop(mpc: MpcProblem, sys: LinearSystem, start: ArrayLike<number>, stateWeights: readonly number[], inputWeight: number, options: ClosedLoopOptions): ClosedLoopResult {
  const states: Float64Array[] = [Float64Array.from(start)];
  const inputs: Float64Array[] = [];
  const solveMs: number[] = [];
  const iterations: number[] = [];
  let cost = 0;
  const eps = options.eps ?? 1e-7;
  for (let t = 0; t < options.steps; t++) {
    const x = states[t]!;
    mpc.x0.value = x;
    const t0 = performance.now();
    const result = mpc.problem.solve({ epsAbs: eps, epsRel: eps, warmStart: t > 0 });
    solveMs.push(performance.now() - t0);
    if (result.status !== 'optimal' && result.status !== 'optimal_inaccurate') {
      throw new SolverError(`MPC solve failed at step ${t}: ${result.status}`, result.status);
    }
    iterations.push(result.iterations);
    const plan = mpc.U.value!;
    const u = plan.data.slice(0, sys.nu);
    inputs.push(u);
    for (let i = 0; i < sys.nx; i++) cost += stateWeights[i]! * x[i]! ** 2;
    for (let j = 0; j < sys.nu; j++) cost += inputWeight * u[j]! ** 2;
    const w = options.noise && options.rng ? options.rng.normals(sys.nx, options.noise) : undefined;
    states.push(step(sys, x, u, w));
    options.onStep?.(t + 1);
  }
  return { states, inputs, cost, solveMs, iterations };
}
