import * as tf from '@tensorflow/tfjs';

import { mulberry32 } from '../../../examples/common/random.js';

/** Deterministic pseudo-random numbers (mulberry32) so tests are reproducible. */
export const rng = mulberry32;

/** Standard normal samples (Box-Muller). */
export function normals(n: number, rand: () => number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  return out;
}

/** Largest singular value of a row-major r x c matrix by power iteration. */
export function spectralNorm(a: Float32Array, r: number, c: number): number {
  let v = new Float64Array(c).fill(1 / Math.sqrt(c));
  let s = 0;
  for (let it = 0; it < 200; it++) {
    const u = new Float64Array(r);
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) u[i]! += a[i * c + j]! * v[j]!;
    const w = new Float64Array(c);
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) w[j]! += a[i * c + j]! * u[i]!;
    s = Math.sqrt(Math.hypot(...w));
    const n = Math.hypot(...w);
    v = w.map((x) => x / n);
  }
  return s;
}

/** Variables of f(z, x) = tanh(z W + x U + b) with ||W||_2 = `contraction`. */
export interface TanhCell {
  W: tf.Variable;
  U: tf.Variable;
  b: tf.Variable;
  fn: (z: tf.Tensor2D, x: tf.Tensor2D) => tf.Tensor2D;
  variables: tf.Variable[];
  dispose(): void;
}

/** A random contractive tanh cell (Lipschitz constant <= contraction < 1). */
export function tanhCell(units: number, inputDim: number, contraction: number, seed: number): TanhCell {
  const rand = rng(seed);
  const w = normals(units * units, rand);
  const s = spectralNorm(w, units, units);
  for (let i = 0; i < w.length; i++) w[i] = (w[i]! * contraction) / s;
  const W = tf.variable(tf.tensor2d(w, [units, units]));
  const U = tf.variable(tf.tensor2d(normals(inputDim * units, rand).map((v) => v / Math.sqrt(inputDim)), [inputDim, units]));
  const b = tf.variable(tf.tensor1d(normals(units, rand).map((v) => 0.1 * v)));
  const fn = (z: tf.Tensor2D, x: tf.Tensor2D): tf.Tensor2D => tf.tanh(tf.add(tf.add(tf.matMul(z, W), tf.matMul(x, U)), b)) as tf.Tensor2D;
  return { W, U, b, fn, variables: [W, U, b], dispose: () => [W, U, b].forEach((v) => v.dispose()) };
}
