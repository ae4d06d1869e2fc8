import * as tf from '@tensorflow/tfjs';
import { deqLayer, type DEQLayer } from '../../../../src/deq/index.js';
import { mulberry32 } from '../../../../examples/common/random.js';

/**
 * A linear DEQ cell f(z, x) = z W + x U + b (row vectors) with a quadratic
 * objective L = 1/2 ||z - y||^2 + lambda/2 ||x||^2, whose optimum is known in
 * closed form: z*(x) = x A + c with A = U (I - W)^-1, c = b (I - W)^-1, and
 *   x* = argmin_{x in box} 1/2 x H x' - x g',  H = A A' + lambda I,  g = (y - c) A'.
 * Everything here is float64 plain JavaScript, independent of the tfjs code.
 */
export interface LinearProblem {
  readonly units: number;
  readonly inputDim: number;
  readonly W: number[][];
  readonly U: number[][];
  readonly b: number[];
  readonly lambda: number;
}

export type Mat = number[][];

export function matMul(a: Mat, b: Mat): Mat {
  return a.map((row) => b[0]!.map((_, j) => row.reduce((s, v, k) => s + v * b[k]![j]!, 0)));
}

export function transpose(a: Mat): Mat {
  return a[0]!.map((_, j) => a.map((row) => row[j]!));
}

/** Gauss-Jordan inverse with partial pivoting. */
export function inverse(a: Mat): Mat {
  const n = a.length;
  const m = a.map((row, i) => [...row, ...row.map((_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    [m[c], m[p]] = [m[p]!, m[c]!];
    const d = m[c]![c]!;
    for (let j = 0; j < 2 * n; j++) m[c]![j]! /= d;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r]![c]!;
      for (let j = 0; j < 2 * n; j++) m[r]![j]! -= f * m[c]![j]!;
    }
  }
  return m.map((row) => row.slice(n));
}

export function randomLinearProblem(units: number, inputDim: number, seed: number, lambda = 0.1): LinearProblem {
  const r = mulberry32(seed);
  const u = (s: number): number => (r() * 2 - 1) * s;
  // ||W||_inf <= 0.45: f is a contraction, so z* exists and the plain iteration converges.
  const W = Array.from({ length: units }, () => Array.from({ length: units }, () => u(0.45 / units)));
  const U = Array.from({ length: inputDim }, () => Array.from({ length: units }, () => u(1)));
  const b = Array.from({ length: units }, () => u(0.5));
  return { units, inputDim, W, U, b, lambda };
}

/** The reduced quadratic (H, g per target row) and the map x -> z*(x). */
export function reduced(p: LinearProblem, y: number[]): { H: Mat; g: number[]; A: Mat; c: number[] } {
  const I = p.W.map((row, i) => row.map((v, j) => (i === j ? 1 : 0) - v));
  const M = inverse(I);
  const A = matMul(p.U, M);
  const c = matMul([p.b], M)[0]!;
  const H = matMul(A, transpose(A)).map((row, i) => row.map((v, j) => v + (i === j ? p.lambda : 0)));
  const g = matMul([y.map((v, i) => v - c[i]!)], transpose(A))[0]!;
  return { H, g, A, c };
}

/** x* over the box [lo, hi] (or unconstrained) by projected gradient in float64, run far past convergence. */
export function solveReduced(H: Mat, g: number[], lo = -Infinity, hi = Infinity): number[] {
  const n = g.length;
  let trace = 0;
  for (let i = 0; i < n; i++) trace += H[i]![i]!;
  const t = 1 / trace;
  let x = new Array<number>(n).fill(0);
  for (let it = 0; it < 200_000; it++) {
    const grad = x.map((_, i) => H[i]!.reduce((s, v, j) => s + v * x[j]!, 0) - g[i]!);
    const next = x.map((v, i) => Math.min(hi, Math.max(lo, v - t * grad[i]!)));
    const moved = next.reduce((s, v, i) => Math.max(s, Math.abs(v - x[i]!)), 0);
    x = next;
    if (moved < 1e-15) break;
  }
  return x;
}

/** x* and z* of one target row in float64. */
export function closedForm(p: LinearProblem, y: number[], lo?: number, hi?: number): { x: number[]; z: number[] } {
  const { H, g, A, c } = reduced(p, y);
  const x = lo === undefined ? matMul([g], inverse(H))[0]! : solveReduced(H, g, lo, hi);
  const z = matMul([x], A)[0]!.map((v, i) => v + c[i]!);
  return { x, z };
}

/** A DEQLayer holding this problem's linear cell (function cell, weights [W, U, b]). */
export function linearLayer(p: LinearProblem, forwardTol = 1e-6): DEQLayer {
  const layer = deqLayer({
    units: p.units,
    cell: {
      weights: [
        { name: 'W', shape: (_d, n) => [n, n] },
        { name: 'U', shape: (d, n) => [d, n] },
        { name: 'b', shape: (_d, n) => [n] },
      ],
      apply: (z, x, [W, U, b]) => tf.add(tf.add(tf.matMul(z, W as tf.Tensor2D), tf.matMul(x, U as tf.Tensor2D)), b!) as tf.Tensor2D,
    },
    forward: { maxIters: 200, absTol: forwardTol, relTol: forwardTol },
  });
  layer.build([null, p.inputDim]);
  const values = [tf.tensor2d(p.W), tf.tensor2d(p.U), tf.tensor1d(p.b)];
  layer.setWeights(values);
  tf.dispose(values);
  return layer;
}

/** L(z, x) = 1/2 ||z - y||^2 + lambda/2 ||x||^2 per row, y [batch, units]. */
export function quadraticObjective(y: tf.Tensor2D, lambda: number): (z: tf.Tensor2D, x: tf.Tensor2D) => tf.Tensor1D {
  return (z, x) => tf.add(tf.mul(0.5, tf.sum(tf.square(tf.sub(z, y)), 1)), tf.mul(0.5 * lambda, tf.sum(tf.square(x), 1))) as tf.Tensor1D;
}

/** Frees a layer's weights (tfjs `Layer.dispose` refuses layers never applied symbolically). */
export function disposeWeights(layer: DEQLayer): void {
  for (const w of layer.weights) w.dispose();
}
