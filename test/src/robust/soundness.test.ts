import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/backend.js';
import { certify, pgdAttack } from '../../../src/robust/index.js';
import { denseLayersF64, forwardF64, randomReluModel, uniforms } from './random_networks.js';

beforeAll(async () => {
  await selectBackend();
});

/** Margins f_y − f_j at x' in float64 (an independent forward pass). */
function margins(layers: ReturnType<typeof denseLayersF64>, x: readonly number[], y: number): number[] {
  const f = forwardF64(layers, x);
  return f.map((v) => f[y]! - v);
}

describe('soundness: no point of the region has a margin below the certified bound', () => {
  for (const [sizes, seed, box] of [
    [[2, 4, 3, 2], 11, undefined],
    [[3, 5, 5, 3], 12, [0, 1]],
    [[4, 8, 8, 4], 13, undefined],
  ] as const) {
    it(`${sizes.join('-')}: 2000 uniform samples of the ball${box ? ' ∩ [0,1]' : ''}`, () => {
      const model = randomReluModel(sizes, seed);
      const layers = denseLayersF64(model);
      const n0 = sizes[0];
      const classes = sizes[sizes.length - 1]!;
      const eps = 0.3;
      const xs = [0, 1, 2].map((i) => uniforms(n0, seed * 7 + i, 0.05, 0.95));
      const labels = [0, 1, classes - 1];
      const result = certify(model, tf.tensor2d(xs), eps, { labels, ...(box ? { inputBox: box } : {}) });
      xs.forEach((x, b) => {
        const worst = new Array<number>(classes).fill(Infinity);
        const u = uniforms(2000 * n0, seed * 13 + b, -eps, eps);
        for (let s = 0; s < 2000; s++) {
          const point = x.map((v, i) => {
            const p = v + u[s * n0 + i]!;
            return box ? Math.min(box[1], Math.max(box[0], p)) : p;
          });
          margins(layers, point, labels[b]!).forEach((m, j) => (worst[j] = Math.min(worst[j]!, m)));
        }
        worst.forEach((w, j) => expect(w).toBeGreaterThanOrEqual(result.marginLower[b]![j]! - 1e-9));
      });
      model.dispose();
    });
  }

  it('2-4-3-2: every corner of the ball and of ball ∩ [0,1] (where piecewise-linear extremes often sit)', () => {
    const model = randomReluModel([2, 4, 3, 2], 21);
    const layers = denseLayersF64(model);
    for (const box of [undefined, [0, 1] as const]) {
      const x = [0.15, 0.8];
      const eps = 0.35;
      const result = certify(model, tf.tensor2d([x, x]), eps, { labels: [0, 1], ...(box ? { inputBox: box } : {}) });
      const lo = x.map((v) => (box ? Math.max(box[0], v - eps) : v - eps));
      const hi = x.map((v) => (box ? Math.min(box[1], v + eps) : v + eps));
      for (const y of [0, 1]) {
        for (const corner of [[lo[0]!, lo[1]!], [lo[0]!, hi[1]!], [hi[0]!, lo[1]!], [hi[0]!, hi[1]!]]) {
          margins(layers, corner, y).forEach((m, j) => expect(m).toBeGreaterThanOrEqual(result.marginLower[y]![j]! - 1e-9));
        }
      }
    }
    model.dispose();
  });

  it('the box helps: bounds with inputBox [0,1] are never looser than without, and strictly tighter near the edge', () => {
    const model = randomReluModel([3, 5, 5, 3], 22);
    const x = tf.tensor2d([[0.02, 0.97, 0.5]]);
    const free = certify(model, x, 0.3, { labels: [1] });
    const boxed = certify(model, x, 0.3, { labels: [1], inputBox: [0, 1] });
    free.marginLower[0]!.forEach((m, j) => expect(boxed.marginLower[0]![j]!).toBeGreaterThanOrEqual(m - 1e-12));
    expect(boxed.marginLower[0]!.some((m, j) => m > free.marginLower[0]![j]! + 1e-6)).toBe(true);
    model.dispose();
  });

  it('a linear model is bounded exactly: margin bound = (w_y − w_j)·x + b_y − b_j − ε‖w_y − w_j‖₁', () => {
    const model = randomReluModel([4, 3], 23);
    const [layer] = denseLayersF64(model);
    const x = [0.3, -0.1, 0.7, 0.2];
    const result = certify(model, tf.tensor2d([x]), 0.2, { labels: [2] });
    const fast = certify(model, tf.tensor2d([x]), 0.2, { labels: [2], precision: 'float32' });
    for (let j = 0; j < 3; j++) {
      const w = layer!.kernel.map((row) => row[2]! - row[j]!);
      const expected = w.reduce((s, wi, i) => s + wi * x[i]!, 0) + layer!.bias[2]! - layer!.bias[j]! - 0.2 * w.reduce((s, wi) => s + Math.abs(wi), 0);
      expect(result.marginLower[0]![j]).toBeCloseTo(expected, 6);
      expect(fast.marginLower[0]![j]).toBeCloseTo(expected, 5);
    }
    model.dispose();
  });

  it('PGD never drives a margin below the certified bound, and never fools a certified example', () => {
    const model = randomReluModel([4, 8, 8, 4], 24);
    const xs = [0, 1, 2, 3, 4, 5].map((i) => uniforms(4, 300 + i, 0.1, 0.9));
    const x = tf.tensor2d(xs);
    const labels = tf.tidy(() => Array.from(tf.argMax(model.predict(x) as tf.Tensor, 1).dataSync()));
    for (const eps of [0.05, 1]) {
      const result = certify(model, x, eps, { labels });
      const attack = pgdAttack(model, x, labels, eps, { steps: 60, stepSize: eps / 10 });
      const adv = attack.adversarial.arraySync() as number[][];
      const layers = denseLayersF64(model);
      adv.forEach((point, b) => {
        margins(layers, point, labels[b]!).forEach((m, j) => expect(m).toBeGreaterThanOrEqual(result.marginLower[b]![j]! - 1e-6));
        if (result.certified[b]) expect(attack.fooled[b]).toBe(false);
      });
      // Not vacuous: the small ball certifies some examples, the large one lets PGD fool some.
      if (eps === 0.05) expect(result.certified.some(Boolean)).toBe(true);
      else expect(attack.fooled.some(Boolean)).toBe(true);
      attack.adversarial.dispose();
    }
    x.dispose();
    model.dispose();
  });
});
