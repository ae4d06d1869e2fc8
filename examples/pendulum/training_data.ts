import { SeededRandom } from '../common/random.js';
import type { Pendulum } from './pendulum_dynamics.js';

/** States uniform in the box |q_i| <= qMax, |qd_i| <= vMax, row-major [count][2n]. */
export function sampleBox(count: number, links: number, qMax: number, vMax: number, rand: SeededRandom): Float32Array {
  const d = 2 * links;
  const xs = new Float32Array(count * d);
  for (let i = 0; i < count; i++) for (let j = 0; j < d; j++) xs[i * d + j] = rand.between(-1, 1) * (j < links ? qMax : vMax);
  return xs;
}

/**
 * States in the shell between the training box and the box scaled by
 * `outer` (> 1): a uniform state of the outer box, pushed radially (in the
 * box's max-norm) so that it lies outside the training box.
 */
export function sampleShell(count: number, links: number, qMax: number, vMax: number, outer: number, rand: SeededRandom): Float32Array {
  const d = 2 * links;
  const xs = new Float32Array(count * d);
  const scale = (j: number) => (j < links ? qMax : vMax);
  for (let i = 0; i < count; i++) {
    const u = Array.from({ length: d }, () => rand.between(-1, 1));
    const r = Math.max(...u.map(Math.abs)) || 1;
    const target = rand.between(1, outer);
    for (let j = 0; j < d; j++) xs[i * d + j] = (u[j]! / r) * target * scale(j);
  }
  return xs;
}

/** True time derivatives xdot = f(x) for a batch of states (float32 out, float64 inside). */
export function trueDerivatives(pendulum: Pendulum, xs: Float32Array): Float32Array {
  const d = pendulum.dim;
  const out = new Float32Array(xs.length);
  const buf = new Float64Array(d);
  for (let i = 0; i < xs.length / d; i++) {
    pendulum.derivative(xs.subarray(i * d, (i + 1) * d), buf);
    out.set(buf, i * d);
  }
  return out;
}

/**
 * Affine-free normalization x = s o z of the state, and time rescaling by c:
 * a model m(z) of normalized states predicts zdot / c, so
 * xdot = c s o m(x / s). A diagonal change of coordinates and a constant time
 * scale keep a Lyapunov guarantee: with V_x(x) = V(x / s),
 * dV_x/dt = c grad V(z) . m(z) <= -c alpha V.
 */
export interface StateScaling {
  /** Per-coordinate state scale s (standard deviation of the training states). */
  readonly state: Float32Array;
  /** Time scale c: RMS of zdot = xdot / s over the training data. */
  readonly time: number;
}

/** Scales from training states and derivatives (row-major [count][d]). */
export function fitScaling(xs: Float32Array, xdots: Float32Array, d: number): StateScaling {
  const count = xs.length / d;
  const state = new Float32Array(d);
  for (let j = 0; j < d; j++) {
    let sq = 0;
    for (let i = 0; i < count; i++) sq += xs[i * d + j]! ** 2;
    state[j] = Math.sqrt(sq / count);
  }
  let sq = 0;
  for (let i = 0; i < count; i++) for (let j = 0; j < d; j++) sq += (xdots[i * d + j]! / state[j]!) ** 2;
  return { state, time: Math.sqrt(sq / (count * d)) };
}
