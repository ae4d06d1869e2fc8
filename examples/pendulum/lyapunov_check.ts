import * as tf from '@tensorflow/tfjs';
import type { StableDynamics } from 'optlayers';
import type { StateScaling } from './training_data.js';

/** How well the Lyapunov guarantee shows along the stable model's own rollouts. */
export interface LyapunovCheck {
  /** max over visited states (every 10th step) of (dV/dt + alpha V) / V in normalized time (guarantee: <= 0). */
  readonly worstRate: number;
  /** Rollouts in which some single RK4 step raised V by more than `relTol` (relative). */
  readonly rolloutsWithRise: number;
  /** Largest relative rise of V over one step (among states with V above the float32 floor). */
  readonly largestRise: number;
  /** Rollouts with V(x(T)) > V(x(0)) e^{-c alpha T} (1 + relTol). */
  readonly boundBroken: number;
  /** V along every rollout, [steps + 1][batch]. */
  readonly values: Float32Array;
}

/**
 * Evaluates V (of normalized states z = x / s) along stable-model rollouts
 * [steps + 1][batch][d] and checks dV/dt <= -alpha V, the per-step
 * monotonicity of V and the integrated bound V(x(T)) <= V(x(0)) e^{-c alpha T}.
 * The rate is checked at every 10th step, V itself at every step.
 * V below `floor` is ignored for the per-step test (float32 resolution of
 * g(x) - g(0) there, far below the states that matter).
 */
export function checkLyapunov(model: StableDynamics, scaling: StateScaling, traj: Float32Array, batch: number, steps: number, h: number, relTol = 1e-3, floor = 1e-5): LyapunovCheck {
  const d = scaling.state.length;
  const values = new Float32Array((steps + 1) * batch);
  let worstRate = -Infinity;
  const s = tf.tensor2d(scaling.state, [1, d]);
  const rateEvery = 10;
  const chunk = 5 * rateEvery;
  for (let start = 0; start <= steps; start += chunk) {
    const count = Math.min(chunk, steps + 1 - start);
    tf.tidy(() => {
      const z = tf.div(tf.tensor2d(traj.subarray(start * batch * d, (start + count) * batch * d), [count * batch, d]), s) as tf.Tensor2D;
      values.set(model.lyapunov.evaluate(z).dataSync(), start * batch);
      // The rate condition at every `rateEvery`-th step (it needs grad V and f); chunks start at multiples of it.
      const picked: number[] = [];
      for (let t = 0; t < count; t += rateEvery) for (let b = 0; b < batch; b++) picked.push(t * batch + b);
      const rows = tf.gather(z, tf.tensor1d(picked, 'int32'));
      const { f, value, gradient } = model.evaluateParts(rows as tf.Tensor2D);
      const rate = tf.div(tf.add(tf.sum(tf.mul(gradient, f), 1, true), tf.mul(value, model.alpha)), tf.maximum(value, floor));
      worstRate = Math.max(worstRate, tf.max(rate).dataSync()[0]!);
    });
  }
  s.dispose();
  let rolloutsWithRise = 0;
  let largestRise = 0;
  let boundBroken = 0;
  const decay = Math.exp(-scaling.time * model.alpha * steps * h);
  for (let b = 0; b < batch; b++) {
    let rose = false;
    for (let t = 1; t <= steps; t++) {
      const prev = values[(t - 1) * batch + b]!;
      if (prev < floor) continue;
      const rel = (values[t * batch + b]! - prev) / prev;
      largestRise = Math.max(largestRise, rel);
      if (rel > relTol) rose = true;
    }
    if (rose) rolloutsWithRise++;
    if (values[steps * batch + b]! > values[b]! * decay * (1 + relTol) + floor) boundBroken++;
  }
  return { worstRate, rolloutsWithRise, largestRise, boundBroken, values };
}
