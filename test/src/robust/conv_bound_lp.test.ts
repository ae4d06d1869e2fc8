import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/backend.js';
import { initSolvers } from '../../../solvers/index.js';
import { certify, pgdAttack, robustLoss } from '../../../src/robust/index.js';
import { type ConvSpec, denseTwin, randomConvModel, unrolledLayersF64 } from './conv_networks.js';
import { expectLayerBoundsAreLpExtremes, solveReluLp } from './lp_relaxation.js';
import { forwardF64, uniforms } from './random_networks.js';

beforeAll(async () => {
  await selectBackend();
  await initSolvers();
});

interface ConvCase {
  readonly name: string;
  readonly input: readonly [number, number, number];
  readonly convs: readonly ConvSpec[];
  readonly dense: readonly number[];
  readonly seed: number;
  readonly epsilon: number;
  readonly box?: readonly [number, number];
}

const CASES: readonly ConvCase[] = [
  { name: '4x4x1, conv 2@3x3 same + relu, flatten, dense 3', input: [4, 4, 1], convs: [{ filters: 2, kernel: 3, stride: 1, padding: 'same' }], dense: [3], seed: 1, epsilon: 0.3 },
  { name: '5x5x2, conv 3@3x3 stride 2 valid + relu, dense 4 relu, dense 3, box [0,1]', input: [5, 5, 2], convs: [{ filters: 3, kernel: 3, stride: 2, padding: 'valid' }], dense: [4, 3], seed: 2, epsilon: 0.2, box: [0, 1] },
  {
    name: '6x5x1, conv 2@3x3 stride 2 same, conv 2@2x2 valid, dense 3',
    input: [6, 5, 1],
    convs: [
      { filters: 2, kernel: 3, stride: 2, padding: 'same' },
      { filters: 2, kernel: 2, stride: 1, padding: 'valid' },
    ],
    dense: [3],
    seed: 3,
    epsilon: 0.25,
  },
];

function region(x: readonly number[], eps: number, box?: readonly [number, number]): { lo: number[]; hi: number[] } {
  return {
    lo: x.map((v) => (box ? Math.max(v - eps, box[0]) : v - eps)),
    hi: x.map((v) => (box ? Math.min(v + eps, box[1]) : v + eps)),
  };
}

function inputs(c: ConvCase, count: number, seed: number): number[][] {
  const n = c.input[0] * c.input[1] * c.input[2];
  // Rounded to float32 so the float64 references see the numbers the model sees.
  return Array.from({ length: count }, (_, i) => Array.from(Float32Array.from(uniforms(n, seed + i, 0.1, 0.9))));
}

describe('conv2d in the dual network: the bound is the optimum of the LP with the conv written as its dense matrix', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const model = randomConvModel(c.input, c.convs, c.dense, c.seed);
      const layers = unrolledLayersF64(model);
      const xs = inputs(c, 2, 10 * c.seed);
      const x = tf.tensor4d(xs.flat(), [xs.length, ...c.input]);
      // The dense matrices are the layers: the float64 forward pass reproduces model.predict.
      const predicted = tf.tidy(() => (model.predict(x) as tf.Tensor).arraySync() as number[][]);
      xs.forEach((xv, b) => forwardF64(layers, xv).forEach((v, j) => expect(Math.abs(v - predicted[b]![j]!)).toBeLessThan(1e-4)));
      const classes = c.dense[c.dense.length - 1]!;
      const labels = [0, classes - 1];
      const options = { labels, returnBounds: true, ...(c.box ? { inputBox: c.box } : {}) };
      const exact = certify(model, x, c.epsilon, options);
      const fast = certify(model, x, c.epsilon, { ...options, precision: 'float32' });
      let unstable = 0;
      xs.forEach((xv, b) => {
        const { lo, hi } = region(xv, c.epsilon, c.box);
        const lower = exact.layerBounds!.map((layer) => layer.lower[b]!);
        const upper = exact.layerBounds!.map((layer) => layer.upper[b]!);
        unstable += lower.flat().filter((l, k) => l < 0 && upper.flat()[k]! > 0).length;
        // Layer bounds of the last hidden layer (the earlier ones feed it, so a wrong one shows up here or in the margins).
        expectLayerBoundsAreLpExtremes(layers, lo, hi, lower, upper, lower.length - 1);
        for (let j = 0; j < classes; j++) {
          if (j === labels[b]) {
            expect(exact.marginLower[b]![j]).toBe(0);
            continue;
          }
          const cvec = Array.from({ length: classes }, (_, t) => (t === labels[b] ? 1 : 0) - (t === j ? 1 : 0));
          const lp = solveReluLp(layers, lo, hi, lower, upper, cvec, 'parallel');
          expect(lp.status).toBe('optimal');
          expect(Math.abs(exact.marginLower[b]![j]! - lp.value)).toBeLessThan(1e-6);
          // The batched tf route (conv2d / conv2dTranspose in float32) agrees to float32 precision.
          expect(Math.abs(fast.marginLower[b]![j]! - exact.marginLower[b]![j]!)).toBeLessThan(1e-5 * Math.max(1, Math.abs(lp.value)));
        }
        exact.layerBounds!.forEach((layer, li) => {
          layer.lower[b]!.forEach((l, k) => expect(Math.abs(fast.layerBounds![li]!.lower[b]![k]! - l)).toBeLessThan(1e-5 * Math.max(1, Math.abs(l))));
          layer.upper[b]!.forEach((u, k) => expect(Math.abs(fast.layerBounds![li]!.upper[b]![k]! - u)).toBeLessThan(1e-5 * Math.max(1, Math.abs(u))));
        });
      });
      // The cases exercise the relaxation, not only stable units.
      expect(unstable).toBeGreaterThan(0);
      x.dispose();
      model.dispose();
    });
  }

  it('soundness: 2000 uniform samples of the ball ∩ [0,1] and PGD iterates never beat the bound (strided valid conv net)', () => {
    const c = CASES[1]!;
    const model = randomConvModel(c.input, c.convs, c.dense, 12);
    const layers = unrolledLayersF64(model);
    const xs = inputs(c, 2, 77);
    const n = xs[0]!.length;
    const eps = 0.15;
    const labels = [0, 2];
    const x = tf.tensor4d(xs.flat(), [2, ...c.input]);
    const result = certify(model, x, eps, { labels, inputBox: [0, 1] });
    const attack = pgdAttack(model, x, labels, eps, { steps: 30, stepSize: eps / 10, inputBox: [0, 1] });
    const adversarial = attack.adversarial.reshape([2, n]).arraySync() as number[][];
    xs.forEach((xv, b) => {
      const u = uniforms(2000 * n, 900 + b, -eps, eps);
      const points = Array.from({ length: 2000 }, (_, s) => xv.map((v, i) => Math.min(1, Math.max(0, v + u[s * n + i]!))));
      for (const point of [...points, adversarial[b]!]) {
        const f = forwardF64(layers, point);
        f.forEach((v, j) => expect(f[labels[b]!]! - v).toBeGreaterThanOrEqual(result.marginLower[b]![j]! - 1e-6));
      }
    });
    tf.dispose([x, attack.adversarial]);
    model.dispose();
  });

  it('a conv layer and the dense layer with its unrolled matrix give identical bounds and robust losses', () => {
    const c = CASES[2]!;
    const model = randomConvModel(c.input, c.convs, c.dense, 21);
    const twin = denseTwin(c.input, unrolledLayersF64(model));
    const xs = inputs(c, 3, 500);
    const x = tf.tensor4d(xs.flat(), [3, ...c.input]);
    const labels = [0, 1, 2];
    for (const precision of ['float64', 'float32'] as const) {
      const a = certify(model, x, 0.2, { labels, precision, returnBounds: true });
      const b = certify(twin, x, 0.2, { labels, precision, returnBounds: true });
      const tol = precision === 'float64' ? 1e-12 : 1e-5;
      a.marginLower.flat().forEach((m, i) => expect(Math.abs(m - b.marginLower.flat()[i]!)).toBeLessThan(tol * Math.max(1, Math.abs(m))));
      a.layerBounds!.forEach((layer, li) => layer.lower.flat().forEach((l, k) => expect(Math.abs(l - b.layerBounds![li]!.lower.flat()[k]!)).toBeLessThan(tol * Math.max(1, Math.abs(l)))));
    }
    const lossA = robustLoss(model, x, labels, 0.2);
    const lossB = robustLoss(twin, x, labels, 0.2);
    expect(Math.abs(lossA.dataSync()[0]! - lossB.dataSync()[0]!)).toBeLessThan(1e-5 * Math.max(1, Math.abs(lossB.dataSync()[0]!)));
    tf.dispose([lossA, lossB, x]);
    model.dispose();
    twin.dispose();
  });
});
