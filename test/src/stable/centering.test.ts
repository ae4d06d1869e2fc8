import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/backend.js';
import { ValueError } from '../../../solvers/errors.js';
import { lyapunovFunction, StableDynamics, stableDynamics } from '../../../src/stable/index.js';

beforeAll(async () => {
  await selectBackend();
});

function randomizeWeights(layer: tf.layers.Layer, scale: number, seed: number): void {
  layer.setWeights(layer.getWeights().map((w, i) => tf.randomNormal(w.shape, 0, scale, 'float32', seed * 131 + i)));
}

describe("LyapunovFunction centering: 'tangent'", () => {
  it('gives V(0) = 0, V >= eps |x|^2 + rehu(0) and a convex V, for random weights', () => {
    const n = 3;
    const eps = 1e-2;
    const v = lyapunovFunction({ hiddenUnits: [16, 16], eps, rehuWidth: 0.1, centering: 'tangent' });
    v.build([null, n]);
    for (let draw = 0; draw < 3; draw++) {
      randomizeWeights(v, 1.0, draw + 1);
      tf.tidy(() => {
        expect(v.evaluate(tf.zeros([1, n]) as tf.Tensor2D).dataSync()[0]).toBe(0);
        const x = tf.randomNormal([2000, n], 0, 2, 'float32', 10 + draw) as tf.Tensor2D;
        const y = tf.randomNormal([2000, n], 0, 2, 'float32', 20 + draw) as tf.Tensor2D;
        const quad = tf.mul(tf.sum(tf.square(x), 1, true), eps);
        // The learned part sigma(g(x) - g(0) - grad g(0) . x) is >= 0 by convexity of g.
        expect(tf.min(tf.sub(v.evaluate(x), quad)).dataSync()[0]!).toBeGreaterThanOrEqual(-1e-4);
        const mid = v.evaluate(tf.mul(tf.add(x, y), 0.5) as tf.Tensor2D);
        const chord = tf.mul(tf.add(v.evaluate(x), v.evaluate(y)), 0.5);
        expect(tf.max(tf.sub(mid, chord)).dataSync()[0]!).toBeLessThanOrEqual(1e-4);
      });
    }
  });

  it("is positive on both sides of 0 where 'value' centering is flat (only eps |x|^2)", () => {
    const eps = 1e-3;
    const make = (centering: 'value' | 'tangent') => {
      const v = lyapunovFunction({ hiddenUnits: [8], eps, rehuWidth: 0.01, centering, seed: 4 });
      v.build([null, 1]);
      return v;
    };
    const [value, tangent] = [make('value'), make('tangent')];
    tangent.setWeights(value.getWeights());
    tf.tidy(() => {
      // g is convex with g'(0) != 0 (seeded weights), so g(x) - g(0) < 0 on one side of 0.
      const slope = tf.grad((x: tf.Tensor) => tf.sum(tf.sub(value.evaluate(x as tf.Tensor2D), 0)))(tf.tensor2d([[0]])).dataSync()[0]!;
      expect(Math.abs(slope)).toBeLessThan(1e-6); // grad V(0) = 0 for both
      const x = tf.tensor2d([[-0.5], [0.5]]);
      const learnedValue = tf.sub(value.evaluate(x), tf.mul(tf.square(x), eps)).dataSync();
      const learnedTangent = tf.sub(tangent.evaluate(x), tf.mul(tf.square(x), eps)).dataSync();
      expect(Math.min(...learnedValue)).toBeLessThan(1e-7);
      expect(Math.min(...learnedTangent)).toBeGreaterThan(0);
    });
  });

  it('has gradients equal to central differences', () => {
    const v = lyapunovFunction({ hiddenUnits: [8, 8], rehuWidth: 0.05, centering: 'tangent', seed: 3 });
    v.build([null, 2]);
    const x = tf.tensor2d([[0.7, -0.4], [1.5, 2.0], [-0.3, 0.2]]);
    const g = v.valueAndGradient(x).gradient.arraySync();
    const h = 1e-2;
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 2; j++) {
        const e = tf.oneHot([i * 2 + j], 6).reshape([3, 2]).mul(h);
        const fd = v.evaluate(tf.add(x, e) as tf.Tensor2D).sub(v.evaluate(tf.sub(x, e) as tf.Tensor2D)).dataSync()[i]! / (2 * h);
        expect(Math.abs(fd - g[i]![j]!)).toBeLessThan(2e-2 * Math.max(1, Math.abs(fd)));
      }
    }
  });

  it('survives a serialization round trip and rejects unknown centerings', async () => {
    const model = tf.sequential({ layers: [lyapunovFunction({ hiddenUnits: [6], centering: 'tangent', seed: 5, inputShape: [2] })] });
    const restored = await tf.models.modelFromJSON(JSON.parse(JSON.stringify(model.toJSON(null, false))));
    restored.setWeights(model.getWeights());
    const x = tf.randomNormal([8, 2], 0, 1, 'float32', 6);
    expect(tf.max(tf.abs(tf.sub(model.predict(x) as tf.Tensor, restored.predict(x) as tf.Tensor))).dataSync()[0]!).toBeLessThan(1e-6);
    expect(() => lyapunovFunction({ centering: 'affine' as never })).toThrow(ValueError);
  });
});

describe('StableDynamics centerNominal', () => {
  function pair(seed: number): [StableDynamics, StableDynamics] {
    const make = (centerNominal: boolean) => {
      const layer = stableDynamics({ alpha: 0.1, seed, centerNominal, nominalUnits: [16], lyapunovArgs: { hiddenUnits: [16, 16], rehuWidth: 0.2 } });
      layer.build([null, 2]);
      return layer;
    };
    const [centred, raw] = [make(true), make(false)];
    randomizeWeights(raw, 0.8, seed);
    centred.setWeights(raw.getWeights());
    return [centred, raw];
  }

  it('makes f(0) = 0 and |f(x)| = O(|x|), where the raw field keeps |f| ~ |net(0)| near 0', () => {
    const [centred, raw] = pair(1);
    tf.tidy(() => {
      expect(Array.from(centred.evaluate(tf.zeros([1, 2]) as tf.Tensor2D).dataSync())).toEqual([0, 0]);
      const u = tf.randomNormal([200, 2], 0, 1, 'float32', 2);
      const x = tf.mul(tf.div(u, tf.norm(u, 'euclidean', 1, true)), 1e-3) as tf.Tensor2D;
      const netAtZero = tf.norm(raw.nominal.apply(tf.zeros([1, 2])) as tf.Tensor).dataSync()[0]!;
      expect(netAtZero).toBeGreaterThan(0.05);
      expect(tf.max(tf.norm(centred.evaluate(x), 'euclidean', 1)).dataSync()[0]!).toBeLessThan(0.1 * netAtZero);
      expect(tf.min(tf.norm(raw.evaluate(x), 'euclidean', 1)).dataSync()[0]!).toBeGreaterThan(1e-2 * netAtZero);
    });
  });

  it('lets RK4 keep V non-increasing near rest, where the raw (discontinuous at 0) field makes it rise', () => {
    // Default (smooth) initialization, with the nominal network's weights and
    // biases perturbed so that net(0) != 0, as after training.
    const make = (centerNominal: boolean) => {
      const layer = stableDynamics({ alpha: 0.1, seed: 3, centerNominal, nominalUnits: [16], lyapunovArgs: { hiddenUnits: [16, 16], rehuWidth: 1 } });
      layer.build([null, 2]);
      return layer;
    };
    const [centred, raw] = [make(true), make(false)];
    raw.nominal.setWeights(raw.nominal.getWeights().map((w, i) => tf.add(w, tf.randomNormal(w.shape, 0, 0.3, 'float32', i))));
    centred.setWeights(raw.getWeights());
    const rises = (layer: StableDynamics) =>
      tf.tidy(() => {
        const h = 0.01;
        let x = tf.mul(tf.randomNormal([256, 2], 0, 1, 'float32', 4), 0.05) as tf.Tensor2D;
        let worst = 0;
        let v = layer.lyapunov.evaluate(x);
        for (let s = 0; s < 60; s++) {
          const k1 = layer.evaluate(x);
          const k2 = layer.evaluate(tf.add(x, tf.mul(k1, h / 2)) as tf.Tensor2D);
          const k3 = layer.evaluate(tf.add(x, tf.mul(k2, h / 2)) as tf.Tensor2D);
          const k4 = layer.evaluate(tf.add(x, tf.mul(k3, h)) as tf.Tensor2D);
          x = tf.add(x, tf.mul(tf.addN([k1, tf.mul(k2, 2), tf.mul(k3, 2), k4]), h / 6)) as tf.Tensor2D;
          const next = layer.lyapunov.evaluate(x);
          // Relative rise, among states whose V is above float32 noise.
          const rise = tf.where(tf.greater(v, 1e-6), tf.div(tf.sub(next, v), tf.maximum(v, 1e-6)), tf.zerosLike(v));
          worst = Math.max(worst, tf.max(rise).dataSync()[0]!);
          v = next;
        }
        return worst;
      });
    expect(rises(centred)).toBeLessThan(1e-3);
    expect(rises(raw)).toBeGreaterThan(1e-2);
  });

  it('round-trips centerNominal and validates it', async () => {
    const model = tf.sequential({ layers: [stableDynamics({ seed: 9, centerNominal: false, nominalUnits: [4], lyapunovArgs: { hiddenUnits: [4] }, inputShape: [2] })] });
    const restored = await tf.models.modelFromJSON(JSON.parse(JSON.stringify(model.toJSON(null, false))));
    expect((restored.layers[0] as StableDynamics).centerNominal).toBe(false);
    expect(() => stableDynamics({ centerNominal: 1 as never })).toThrow(ValueError);
  });
});
