import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/backend.js';
import { initSolvers } from '../../../solvers/index.js';
import { certify } from '../../../src/robust/index.js';
import { expectLayerBoundsAreLpExtremes, solveReluLp } from './lp_relaxation.js';
import { denseLayersF64, randomReluModel, uniforms } from './random_networks.js';

beforeAll(async () => {
  await selectBackend();
  await initSolvers();
});

interface Case {
  readonly sizes: readonly number[];
  readonly seed: number;
  readonly epsilon: number;
  readonly box?: readonly [number, number];
}

const CASES: readonly Case[] = [
  { sizes: [2, 4, 3, 2], seed: 1, epsilon: 0.5 },
  { sizes: [2, 4, 3, 2], seed: 2, epsilon: 0.3, box: [0, 1] },
  { sizes: [3, 5, 5, 3], seed: 3, epsilon: 0.4 },
  { sizes: [3, 5, 5, 3], seed: 4, epsilon: 0.25, box: [0, 1] },
  { sizes: [3, 6, 2], seed: 5, epsilon: 0.6 },
  { sizes: [3, 4, 4, 4, 2], seed: 6, epsilon: 0.3, box: [0, 1] },
];

/** The ball ∩ box around x, coordinatewise. */
function region(x: readonly number[], eps: number, box?: readonly [number, number]): { lo: number[]; hi: number[] } {
  return {
    lo: x.map((v) => (box ? Math.max(v - eps, box[0]) : v - eps)),
    hi: x.map((v) => (box ? Math.min(v + eps, box[1]) : v + eps)),
  };
}

/** How often the triangle LP was strictly tighter than the closed form (it should be, sometimes: see the last test). */
let triangleStrictlyTighter = 0;

describe('dual network bound = optimum of the LP relaxation it is the dual of (solved by the DSL, QP route, tol 1e-10)', () => {
  for (const c of CASES) {
    it(`${c.sizes.join('-')} seed ${c.seed} eps ${c.epsilon}${c.box ? ' box [0,1]' : ''}`, () => {
      const model = randomReluModel(c.sizes, c.seed);
      const layers = denseLayersF64(model);
      const n0 = c.sizes[0]!;
      const classes = c.sizes[c.sizes.length - 1]!;
      const xs = [uniforms(n0, 10 * c.seed + 1, 0.1, 0.9), uniforms(n0, 10 * c.seed + 2, 0.1, 0.9)];
      const labels = [0, classes - 1];
      const x = tf.tensor2d(xs);
      const options = { labels, returnBounds: true, ...(c.box ? { inputBox: c.box } : {}) };
      const exact = certify(model, x, c.epsilon, options);
      const fast = certify(model, x, c.epsilon, { ...options, precision: 'float32' });
      let unstable = 0;
      xs.forEach((xv, b) => {
        const { lo, hi } = region(xv, c.epsilon, c.box);
        const lower = exact.layerBounds!.map((layer) => layer.lower[b]!);
        const upper = exact.layerBounds!.map((layer) => layer.upper[b]!);
        unstable += lower.flat().filter((l, k) => l < 0 && upper.flat()[k]! > 0).length;
        // Each layer's l, u are themselves the LP min / max of that pre-activation (Algorithm 1).
        for (let i = 0; i < lower.length; i++) expectLayerBoundsAreLpExtremes(layers, lo, hi, lower, upper, i);
        for (let j = 0; j < classes; j++) {
          if (j === labels[b]) {
            expect(exact.marginLower[b]![j]).toBe(0);
            continue;
          }
          const cvec = Array.from({ length: classes }, (_, t) => (t === labels[b] ? 1 : 0) - (t === j ? 1 : 0));
          const lp = solveReluLp(layers, lo, hi, lower, upper, cvec, 'parallel');
          expect(lp.status).toBe('optimal');
          expect(Math.abs(exact.marginLower[b]![j]! - lp.value)).toBeLessThan(1e-6);
          // The batched float32 tf route (the one robustLoss trains through): float32 rounding, so 1e-5 relative.
          expect(Math.abs(fast.marginLower[b]![j]! - lp.value)).toBeLessThan(1e-5 * Math.max(1, Math.abs(lp.value)));
          // The tighter triangle relaxation (z ≥ 0, z ≥ ẑ) can only raise the optimum: the closed form is a valid, looser bound.
          const triangle = solveReluLp(layers, lo, hi, lower, upper, cvec, 'triangle');
          expect(triangle.status).toBe('optimal');
          expect(triangle.value).toBeGreaterThanOrEqual(lp.value - 1e-7);
          if (triangle.value > lp.value + 1e-4) triangleStrictlyTighter++;
        }
      });
      // The cases must exercise the relaxation, not only stable units.
      if (c.sizes.length > 3) expect(unstable).toBeGreaterThan(0);
      x.dispose();
      model.dispose();
    });
  }

  it('the fixed dual choice α = u/(u−l) is not the triangle-LP optimum: on these cases the triangle LP is strictly tighter somewhere', () => {
    expect(triangleStrictlyTighter).toBeGreaterThan(0);
  });
});
