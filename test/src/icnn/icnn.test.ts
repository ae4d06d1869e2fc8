import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/backend.js';
import { ShapeError, ValueError } from '../../../solvers/errors.js';
import { CONVEX_ACTIVATIONS, ICNN, icnn, PICNN, picnn, rehu } from '../../../src/icnn/index.js';

beforeAll(async () => {
  await selectBackend();
});

/** Replaces every weight by N(0, scale^2) noise, so convexity is checked for arbitrary (not just initial) weights. */
function randomizeWeights(layer: tf.layers.Layer, scale: number, seed: number): void {
  layer.setWeights(layer.getWeights().map((w, i) => tf.randomNormal(w.shape, 0, scale, 'float32', seed * 101 + i)));
}

/** Largest value of f((a+b)/2) - (f(a)+f(b))/2, relative to the magnitudes involved (<= 0 up to rounding when convex). */
function worstMidpointGap(f: (x: tf.Tensor2D) => tf.Tensor, a: tf.Tensor2D, b: tf.Tensor2D): number {
  return tf.tidy(() => {
    const fa = f(a);
    const fb = f(b);
    const fm = f(tf.div(tf.add(a, b), 2) as tf.Tensor2D);
    const gap = tf.sub(fm, tf.div(tf.add(fa, fb), 2));
    const scale = tf.add(1, tf.add(tf.abs(fa), tf.abs(fb)));
    return tf.max(tf.div(gap, scale)).dataSync()[0]!;
  });
}

describe('rehu', () => {
  it('matches its piecewise definition and derivative clip(x/d, 0, 1)', () => {
    const d = 0.5;
    const xs = [-2, -0.1, 0, 0.1, 0.25, 0.49, 0.5, 0.7, 3];
    const expected = xs.map((x) => (x <= 0 ? 0 : x < d ? (x * x) / (2 * d) : x - d / 2));
    const got = Array.from(rehu(tf.tensor1d(xs), d).dataSync());
    got.forEach((g, i) => expect(g).toBeCloseTo(expected[i]!, 6));
    const slope = Array.from(tf.grad((x: tf.Tensor) => tf.sum(rehu(x, d)))(tf.tensor1d(xs)).dataSync());
    slope.forEach((s, i) => expect(s).toBeCloseTo(Math.min(Math.max(xs[i]! / d, 0), 1), 5));
  });

  it('has a second derivative 1/d inside (0, d) and 0 outside', () => {
    const d = 0.5;
    const xs = tf.tensor1d([-1, 0.2, 0.4, 2]);
    const second = tf.grad((x: tf.Tensor) => tf.sum(tf.grad((y: tf.Tensor) => tf.sum(rehu(y, d)))(x)))(xs);
    expect(Array.from(second.dataSync())).toEqual([0, 2, 2, 0]);
  });

  it('rejects a non-positive width', () => {
    expect(() => rehu(tf.zeros([2]), 0)).toThrow(ValueError);
  });
});

describe('ICNN', () => {
  it.each(CONVEX_ACTIVATIONS)('is midpoint convex for random weights and inputs (%s)', (activation) => {
    const n = 4;
    const layer = icnn({ units: 3, hiddenUnits: [16, 16, 8], activation, rehuWidth: 0.3, seed: 1 });
    layer.build([null, n]);
    for (let draw = 0; draw < 12; draw++) {
      randomizeWeights(layer, 1.5, draw + 1);
      const a = tf.randomNormal([400, n], 0, 2, 'float32', 1000 + draw) as tf.Tensor2D;
      const b = tf.randomNormal([400, n], 0, 2, 'float32', 2000 + draw) as tf.Tensor2D;
      expect(worstMidpointGap((x) => layer.evaluate(x), a, b)).toBeLessThan(1e-5);
      tf.dispose([a, b]);
    }
  });

  it('the midpoint check does detect a non-convex network', () => {
    const n = 4;
    const dense = tf.sequential({ layers: [tf.layers.dense({ units: 16, activation: 'tanh', inputShape: [n] }), tf.layers.dense({ units: 3 })] });
    randomizeWeights(dense, 1.5, 3);
    const a = tf.randomNormal([400, n], 0, 2, 'float32', 5) as tf.Tensor2D;
    const b = tf.randomNormal([400, n], 0, 2, 'float32', 6) as tf.Tensor2D;
    expect(worstMidpointGap((x) => dense.predict(x) as tf.Tensor, a, b)).toBeGreaterThan(1e-2);
  });

  it('keeps hidden-to-hidden weights non-negative through softplus (negative raw weights stay convex)', () => {
    const layer = icnn({ hiddenUnits: [8, 8], seed: 3 });
    layer.build([null, 2]);
    layer.setWeights(layer.getWeights().map((w) => tf.fill(w.shape, -3)));
    const a = tf.randomUniform([500, 2], -3, 3, 'float32', 7) as tf.Tensor2D;
    const b = tf.randomUniform([500, 2], -3, 3, 'float32', 8) as tf.Tensor2D;
    expect(worstMidpointGap((x) => layer.evaluate(x), a, b)).toBeLessThan(1e-5);
  });

  it('works in tf.sequential with model.fit and survives a serialization round trip', async () => {
    const model = tf.sequential({ layers: [icnn({ units: 1, hiddenUnits: [16], seed: 4, inputShape: [2] })] });
    model.compile({ optimizer: tf.train.adam(0.05), loss: 'meanSquaredError' });
    const x = tf.randomUniform([256, 2], -2, 2, 'float32', 9);
    const y = tf.sum(tf.square(x), 1, true);
    const history = await model.fit(x, y, { epochs: 30, batchSize: 64, verbose: 0 });
    const losses = history.history['loss'] as number[];
    expect(losses[losses.length - 1]!).toBeLessThan(0.3 * losses[0]!);

    const restored = await tf.models.modelFromJSON(JSON.parse(JSON.stringify(model.toJSON(null, false))));
    expect(restored.layers[0]).toBeInstanceOf(ICNN);
    expect(restored.layers[0]!.getConfig()).toMatchObject({ units: 1, hiddenUnits: [16], activation: 'softplus', seed: 4 });
    restored.setWeights(model.getWeights());
    const diff = tf.max(tf.abs(tf.sub(model.predict(x) as tf.Tensor, restored.predict(x) as tf.Tensor))).dataSync()[0]!;
    expect(diff).toBeLessThan(1e-6);
  });

  it('does not leak tensors over a training loop', () => {
    const layer = icnn({ hiddenUnits: [8], seed: 5 });
    layer.build([null, 3]);
    const optimizer = tf.train.sgd(0.01);
    const x = tf.randomNormal([32, 3]) as tf.Tensor2D;
    const step = () => optimizer.minimize(() => tf.mean(tf.square(layer.evaluate(x))) as tf.Scalar, false, layer.trainableWeights.map((w) => w.read() as tf.Variable));
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 50; i++) step();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects bad options and shapes, naming them', () => {
    expect(() => icnn({ activation: 'tanh' as never })).toThrow(/ICNN activation/);
    expect(() => icnn({ hiddenUnits: [] })).toThrow(/ICNN hiddenUnits/);
    expect(() => icnn({ units: 0 })).toThrow(ValueError);
    expect(() => icnn().build([null, 2, 3])).toThrow(ShapeError);
  });
});

describe('PICNN', () => {
  it.each(['softplus', 'relu', 'rehu'] as const)('is midpoint convex in x for every fixed condition y (%s)', (activation) => {
    const n = 3;
    const c = 2;
    const layer = picnn({ units: 2, hiddenUnits: [12, 12], activation, rehuWidth: 0.5, seed: 6 });
    layer.build([[null, n], [null, c]]);
    for (let draw = 0; draw < 10; draw++) {
      randomizeWeights(layer, 1.5, draw + 20);
      const y = tf.randomNormal([300, c], 0, 2, 'float32', 3000 + draw) as tf.Tensor2D;
      const a = tf.randomNormal([300, n], 0, 2, 'float32', 4000 + draw) as tf.Tensor2D;
      const b = tf.randomNormal([300, n], 0, 2, 'float32', 5000 + draw) as tf.Tensor2D;
      expect(worstMidpointGap((x) => layer.evaluate(x, y), a, b)).toBeLessThan(1e-5);
      tf.dispose([a, b, y]);
    }
  });

  it('is in general not convex in the condition y (the check can fail)', () => {
    const layer = picnn({ units: 1, hiddenUnits: [12, 12], seed: 7 });
    layer.build([[null, 2], [null, 2]]);
    randomizeWeights(layer, 1.5, 30);
    const x = tf.randomNormal([400, 2], 0, 1, 'float32', 31) as tf.Tensor2D;
    const a = tf.randomNormal([400, 2], 0, 2, 'float32', 32) as tf.Tensor2D;
    const b = tf.randomNormal([400, 2], 0, 2, 'float32', 33) as tf.Tensor2D;
    expect(worstMidpointGap((y) => layer.evaluate(x, y), a, b)).toBeGreaterThan(1e-3);
  });

  it('works in a functional model with fit and survives a serialization round trip', async () => {
    const xIn = tf.input({ shape: [2] });
    const yIn = tf.input({ shape: [1] });
    const out = picnn({ hiddenUnits: [16], seed: 8 }).apply([xIn, yIn]) as tf.SymbolicTensor;
    const model = tf.model({ inputs: [xIn, yIn], outputs: out });
    model.compile({ optimizer: tf.train.adam(0.05), loss: 'meanSquaredError' });
    const x = tf.randomUniform([256, 2], -2, 2, 'float32', 10);
    const y = tf.randomUniform([256, 1], 0, 2, 'float32', 11);
    const target = tf.mul(y, tf.sum(tf.square(x), 1, true));
    const history = await model.fit([x, y], target, { epochs: 30, batchSize: 64, verbose: 0 });
    const losses = history.history['loss'] as number[];
    expect(losses[losses.length - 1]!).toBeLessThan(0.3 * losses[0]!);

    const restored = await tf.models.modelFromJSON(JSON.parse(JSON.stringify(model.toJSON(null, false))));
    expect(restored.layers.some((l) => l instanceof PICNN)).toBe(true);
    restored.setWeights(model.getWeights());
    const diff = tf.max(tf.abs(tf.sub(model.predict([x, y]) as tf.Tensor, restored.predict([x, y]) as tf.Tensor))).dataSync()[0]!;
    expect(diff).toBeLessThan(1e-6);
  });

  it('requires two inputs and matching batches', () => {
    expect(() => picnn().build([null, 2])).toThrow(ShapeError);
    const layer = picnn({ hiddenUnits: [4] });
    layer.build([[null, 2], [null, 1]]);
    expect(() => layer.evaluate(tf.zeros([3, 2]) as tf.Tensor2D, tf.zeros([2, 1]) as tf.Tensor2D)).toThrow(ShapeError);
  });
});
