import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/backend.js';
import { ShapeError, ValueError } from '../../../solvers/errors.js';
import { LyapunovFunction, lyapunovFunction, StableDynamics, stableDynamics } from '../../../src/stable/index.js';

beforeAll(async () => {
  await selectBackend();
});

function randomizeWeights(layer: tf.layers.Layer, scale: number, seed: number): void {
  layer.setWeights(layer.getWeights().map((w, i) => tf.randomNormal(w.shape, 0, scale, 'float32', seed * 131 + i)));
}

function builtStable(n: number, seed: number, alpha = 0.1): StableDynamics {
  const layer = stableDynamics({ alpha, seed, nominalUnits: [24, 24], lyapunovArgs: { hiddenUnits: [24, 24], rehuWidth: 0.2, eps: 1e-2 } });
  layer.build([null, n]);
  return layer;
}

describe('LyapunovFunction', () => {
  it('has V(0) = 0 and V(x) >= eps |x|^2 > 0 elsewhere, for random weights', () => {
    const n = 3;
    const eps = 1e-2;
    const v = lyapunovFunction({ hiddenUnits: [16, 16], eps, rehuWidth: 0.2 });
    v.build([null, n]);
    for (let draw = 0; draw < 5; draw++) {
      randomizeWeights(v, 1.5, draw + 1);
      expect(v.evaluate(tf.zeros([1, n]) as tf.Tensor2D).dataSync()[0]).toBe(0);
      const radius = tf.pow(10, tf.randomUniform([2000, 1], -3, 1, 'float32', draw));
      const x = tf.mul(tf.randomNormal([2000, n], 0, 1, 'float32', 10 + draw), radius) as tf.Tensor2D;
      const margin = tf.sub(v.evaluate(x), tf.mul(tf.sum(tf.square(x), 1, true), eps * (1 - 1e-4)));
      expect(tf.min(margin).dataSync()[0]!).toBeGreaterThanOrEqual(0);
      expect(tf.min(v.evaluate(x)).dataSync()[0]!).toBeGreaterThan(0);
    }
  });

  it('returns gradients equal to central differences', () => {
    const v = lyapunovFunction({ hiddenUnits: [8], rehuWidth: 1, seed: 3 });
    v.build([null, 2]);
    const x = tf.tensor2d([[0.7, -0.4], [1.5, 2.0]]);
    const { gradient } = v.valueAndGradient(x);
    const g = gradient.arraySync();
    const h = 1e-2;
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 2; j++) {
        const e = tf.oneHot([i * 2 + j], 4).reshape([2, 2]).mul(h);
        const fd = (v.evaluate(tf.add(x, e) as tf.Tensor2D).sub(v.evaluate(tf.sub(x, e) as tf.Tensor2D)).dataSync()[i]! / (2 * h));
        expect(Math.abs(fd - g[i]![j]!)).toBeLessThan(1e-2 * Math.max(1, Math.abs(fd)));
      }
    }
  });
});

describe('StableDynamics', () => {
  it('satisfies dV/dt = grad V . f <= -alpha V at thousands of random points, for random untrained weights', () => {
    const n = 4;
    const alpha = 0.1;
    const layer = builtStable(n, 1, alpha);
    for (let draw = 0; draw < 4; draw++) {
      randomizeWeights(layer, 1.0, draw + 1);
      tf.tidy(() => {
        const x = tf.mul(tf.randomNormal([3000, n], 0, 1, 'float32', 100 + draw), tf.pow(10, tf.randomUniform([3000, 1], -2, 1, 'float32', 200 + draw))) as tf.Tensor2D;
        const { f, value, gradient, nominal } = layer.evaluateParts(x);
        const vdot = tf.sum(tf.mul(gradient, f), 1, true);
        const excess = tf.add(vdot, tf.mul(value, alpha));
        // float32 rounding of the projection: relative to the sizes of the terms.
        const scale = tf.add(tf.mul(tf.norm(gradient, 'euclidean', 1, true), tf.norm(nominal, 'euclidean', 1, true)), tf.mul(value, alpha));
        expect(tf.max(tf.sub(excess, tf.mul(scale, 1e-5))).dataSync()[0]!).toBeLessThanOrEqual(0);
        // The nominal model alone violates the condition somewhere, so the projection is doing work.
        const nominalExcess = tf.add(tf.sum(tf.mul(gradient, nominal), 1), tf.mul(tf.squeeze(value, [1]), alpha));
        expect(tf.max(nominalExcess).dataSync()[0]!).toBeGreaterThan(0);
      });
    }
  });

  it('leaves fhat unchanged where it already decreases V fast enough', () => {
    const layer = builtStable(2, 2);
    tf.tidy(() => {
      const x = tf.randomNormal([500, 2], 0, 1, 'float32', 3) as tf.Tensor2D;
      const { f, nominal, value, gradient } = layer.evaluateParts(x);
      const ok = tf.less(tf.add(tf.sum(tf.mul(gradient, nominal), 1, true), tf.mul(value, layer.alpha)), 0);
      const diff = tf.where(ok, tf.abs(tf.sub(f, nominal)), tf.zerosLike(f));
      expect(tf.max(diff).dataSync()[0]!).toBe(0);
    });
  });

  it('has finite value and gradients at x = 0, where grad V = 0', () => {
    const layer = builtStable(3, 4);
    const x = tf.zeros([2, 3]) as tf.Tensor2D;
    expect(Array.from(layer.evaluate(x).dataSync()).every(Number.isFinite)).toBe(true);
    const vars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    const { grads } = tf.variableGrads(() => tf.sum(tf.square(layer.evaluate(x))) as tf.Scalar, vars);
    for (const g of Object.values(grads)) expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true);
    const gx = tf.grad((xx: tf.Tensor) => tf.sum(tf.square(layer.evaluate(xx as tf.Tensor2D))))(x);
    expect(Array.from(gx.dataSync()).every(Number.isFinite)).toBe(true);
  });

  it('has gradients w.r.t. weights and inputs that match central finite differences', () => {
    const n = 3;
    const layer = stableDynamics({ alpha: 0.2, seed: 5, nominalUnits: [12], lyapunovArgs: { hiddenUnits: [12, 12], rehuWidth: 0.5 } });
    layer.build([null, n]);
    const x = tf.randomNormal([6, n], 0, 1, 'float32', 6) as tf.Tensor2D;
    const c = tf.randomNormal([6, n], 0, 1, 'float32', 7);
    const loss = (xx: tf.Tensor2D) => tf.tidy(() => tf.sum(tf.mul(c, layer.evaluate(xx))).dataSync()[0]!);
    const vars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(c, layer.evaluate(x))) as tf.Scalar, vars);
    const gx = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(c, layer.evaluate(xx as tf.Tensor2D))))(x).dataSync();

    // Central differences with steps h and h/2: where they disagree a kink
    // (relu of the projection, ends of the rehu) lies within the stencil, so
    // the coordinate is skipped; most coordinates must be checked.
    const compare = (analytic: number, fd: (h: number) => number) => {
      const h = 2e-2;
      const a = fd(h);
      const b = fd(h / 2);
      if (Math.abs(a - b) > 2e-2 * Math.max(1, Math.abs(a))) return 'skipped';
      return Math.abs(b - analytic) <= 1e-2 * Math.max(1, Math.abs(b)) ? 'ok' : `analytic ${analytic} vs fd ${b}`;
    };
    const outcomes: string[] = [];
    const xData = x.arraySync();
    for (let i = 0; i < 6; i++) {
      for (let j = 0; j < n; j++) {
        outcomes.push(
          compare(gx[i * n + j]!, (h) => {
            const plus = xData.map((r) => [...r]);
            const minus = xData.map((r) => [...r]);
            plus[i]![j]! += h;
            minus[i]![j]! -= h;
            return (loss(tf.tensor2d(plus)) - loss(tf.tensor2d(minus))) / (2 * h);
          }),
        );
      }
    }
    let k = 0;
    for (const v of vars) {
      const base = v.dataSync().slice();
      const analytic = grads[v.name]!.dataSync();
      for (let t = 0; t < 4; t++) {
        const idx = (k++ * 7919 + t * 31) % base.length;
        outcomes.push(
          compare(analytic[idx]!, (h) => {
            const set = (delta: number) => {
              const copy = base.slice();
              copy[idx] = base[idx]! + delta;
              v.assign(tf.tensor(copy, v.shape));
            };
            set(h);
            const lp = loss(x);
            set(-h);
            const lm = loss(x);
            v.assign(tf.tensor(base, v.shape));
            return (lp - lm) / (2 * h);
          }),
        );
      }
    }
    const failures = outcomes.filter((o) => o !== 'ok' && o !== 'skipped');
    expect(failures).toEqual([]);
    expect(outcomes.filter((o) => o === 'ok').length).toBeGreaterThan(0.8 * outcomes.length);
  });

  it('trains with model.fit: the loss falls on data from a stable linear system', async () => {
    const layer = stableDynamics({ alpha: 0.01, seed: 8, nominalUnits: [32], lyapunovArgs: { hiddenUnits: [16] }, inputShape: [2] });
    const model = tf.sequential({ layers: [layer] });
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
    const x = tf.randomUniform([512, 2], -2, 2, 'float32', 9);
    const a = tf.tensor2d([[-0.2, 1], [-1, -0.3]]);
    const y = tf.matMul(x, a, false, true);
    const history = await model.fit(x, y, { epochs: 25, batchSize: 128, verbose: 0 });
    const losses = history.history['loss'] as number[];
    expect(losses[losses.length - 1]!).toBeLessThan(0.25 * losses[0]!);
  });

  it('does not leak tensors over 60 optimizer steps', () => {
    const layer = builtStable(2, 10);
    const optimizer = tf.train.adam(1e-3);
    const x = tf.randomNormal([64, 2]) as tf.Tensor2D;
    const y = tf.randomNormal([64, 2]);
    const vars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    const step = () => optimizer.minimize(() => tf.mean(tf.square(tf.sub(layer.evaluate(x), y))) as tf.Scalar, false, vars);
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 60; i++) step();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('round-trips through serialization, with the default and with a custom nominal network', async () => {
    for (const nominal of [undefined, tf.layers.dense({ units: 3, activation: 'linear' })]) {
      const model = tf.sequential({ layers: [stableDynamics({ alpha: 0.05, seed: 11, nominalUnits: [8], nominal, lyapunovArgs: { hiddenUnits: [8], eps: 0.05 }, inputShape: [3] })] });
      const json = JSON.parse(JSON.stringify(model.toJSON(null, false)));
      const restored = await tf.models.modelFromJSON(json);
      const layer = restored.layers[0] as StableDynamics;
      expect(layer).toBeInstanceOf(StableDynamics);
      expect(layer.lyapunov).toBeInstanceOf(LyapunovFunction);
      expect(layer.lyapunov.options.eps).toBe(0.05);
      expect(layer.alpha).toBe(0.05);
      expect(restored.getWeights().length).toBe(model.getWeights().length);
      restored.setWeights(model.getWeights());
      const x = tf.randomNormal([16, 3], 0, 1, 'float32', 12);
      const diff = tf.max(tf.abs(tf.sub(model.predict(x) as tf.Tensor, restored.predict(x) as tf.Tensor))).dataSync()[0]!;
      expect(diff).toBeLessThan(1e-6);
    }
  });

  it('rejects bad options and shapes, naming them', () => {
    expect(() => stableDynamics({ alpha: -1 })).toThrow(/alpha/);
    expect(() => stableDynamics({ lyapunovArgs: { eps: 0 } })).toThrow(/eps/);
    expect(() => stableDynamics({ nominal: tf.layers.dense({ units: 2 }) }).build([null, 3])).toThrow(ShapeError);
    const layer = builtStable(2, 13);
    expect(() => layer.evaluate(tf.zeros([4, 3]) as tf.Tensor2D)).toThrow(ShapeError);
    expect(() => stableDynamics({ nominalActivation: 'swish' as never })).toThrow(ValueError);
  });
});
