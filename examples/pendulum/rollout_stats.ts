import type { Pendulum } from './pendulum_dynamics.js';

/** Error and growth statistics of a batch of rollouts [steps + 1][batch][d]. */
export interface RolloutStats {
  /** Mean over rollouts of the RMS (over time) state error against the true system. */
  readonly meanRmsError: number;
  /** Median over rollouts of |x(T) - x_true(T)|. */
  readonly medianFinalError: number;
  /** Largest |x(t)| over all rollouts and times (Infinity if any state is non-finite). */
  readonly maxNorm: number;
  /** Fraction of rollouts whose peak |x(t)| exceeds twice the true rollout's peak (or that become non-finite). */
  readonly fractionOvershoot: number;
  /** Fraction of rollouts whose true pendulum energy at T exceeds that at 0 (the true system dissipates). */
  readonly fractionEnergyGrew: number;
}

/** Rollout statistics of `traj` against `truth` (same layout); `pendulum` supplies the energy. */
export function rolloutStats(traj: ArrayLike<number>, truth: ArrayLike<number>, batch: number, steps: number, pendulum: Pendulum): RolloutStats {
  const d = pendulum.dim;
  let rmsSum = 0;
  let maxNorm = 0;
  let left = 0;
  let grew = 0;
  const finals: number[] = [];
  const state = (s: number, b: number) => Array.from({ length: d }, (_, j) => traj[(s * batch + b) * d + j]!);
  for (let b = 0; b < batch; b++) {
    let errSq = 0;
    let peak = 0;
    let truePeak = 0;
    let finite = true;
    for (let s = 0; s <= steps; s++) {
      let e = 0;
      let nrm = 0;
      let trueNrm = 0;
      for (let j = 0; j < d; j++) {
        const v = traj[(s * batch + b) * d + j]!;
        const t = truth[(s * batch + b) * d + j]!;
        e += (v - t) ** 2;
        nrm += v * v;
        trueNrm += t * t;
      }
      truePeak = Math.max(truePeak, Math.sqrt(trueNrm));
      if (!Number.isFinite(nrm)) finite = false;
      errSq += e;
      peak = Math.max(peak, Math.sqrt(nrm));
      if (s === steps) finals.push(Number.isFinite(e) ? Math.sqrt(e) : Infinity);
    }
    if (!finite || peak > 2 * truePeak) left++;
    if (!finite || !(pendulum.energy(state(steps, b)) <= pendulum.energy(state(0, b)))) grew++;
    rmsSum += finite ? Math.sqrt(errSq / (steps + 1)) : Infinity;
    maxNorm = finite ? Math.max(maxNorm, peak) : Infinity;
  }
  finals.sort((a, b) => a - b);
  return {
    meanRmsError: rmsSum / batch,
    medianFinalError: finals[Math.floor(batch / 2)]!,
    maxNorm,
    fractionOvershoot: left / batch,
    fractionEnergyGrew: grew / batch,
  };
}

/** Exact true-system RK4 rollouts (float64) in the batched layout [steps + 1][batch][d]. */
export function trueRollouts(pendulum: Pendulum, x0: Float32Array, batch: number, steps: number, h: number): Float64Array {
  const d = pendulum.dim;
  const truth = new Float64Array((steps + 1) * batch * d);
  for (let b = 0; b < batch; b++) {
    const traj = pendulum.rollout(x0.subarray(b * d, (b + 1) * d), steps, h);
    for (let s = 0; s <= steps; s++) truth.set(traj.subarray(s * d, (s + 1) * d), (s * batch + b) * d);
  }
  return truth;
}
