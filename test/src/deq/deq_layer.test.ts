import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/backend.js';
import { SolverError, UnsupportedError } from '../../../solvers/errors.js';
import { cellFromFunction, DEQLayer, deqLayer, jacobianFrobeniusEstimate, type DeqFunctionCell } from '../../../src/deq/index.js';
import { normals, rng } from './contractive_cell.js';

beforeAll(async () => {
  await selectBackend();
});

/** A smooth regression task: y = sin(x . w). */
function regressionData(n: number, d: number, seed: number): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const rand = rng(seed);
  const xs = normals(n * d, rand);
  const w = normals(d, rand);
  const ys = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += xs[i * d + j]! * w[j]!;
    ys[i] = Math.sin(s / Math.sqrt(d));
  }
  return { x: tf.tensor2d(xs, [n, d]), y: tf.tensor2d(ys, [n, 1]) };
}

function deqModel(layer: DEQLayer, d: number): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.inputLayer({ inputShape: [d] }));
  model.add(layer);
  model.add(tf.layers.dense({ units: 1 }));
  model.compile({ optimizer: tf.train.adam(0.02), loss: 'meanSquaredError' });
  return model;
}

describe('DEQLayer', () => {
  it('trains inside model.fit (loss falls) and exposes solver statistics', async () => {
    const { x, y } = regressionData(64, 5, 1);
    const layer = deqLayer({ units: 12, forward: { solver: 'anderson', maxIters: 30 } });
    const model = deqModel(layer, 5);
    const history = await model.fit(x, y, { epochs: 15, batchSize: 32, verbose: 0 });
    const losses = history.history['loss'] as number[];
    expect(losses[losses.length - 1]!).toBeLessThan(0.6 * losses[0]!);
    expect(layer.lastStats?.solver).toBe('anderson');
    expect(layer.lastStats?.residual.length).toBe(32);
    expect(layer.lastBackwardStats?.iterations).toBeGreaterThan(0);
    expect(layer.trainableWeights.length).toBe(2); // the default dense cell's kernel and bias
    tf.dispose([x, y]);
    model.dispose();
  });

  it('does not leak tensors over 50 training steps (phantom and jfb too)', async () => {
    const { x, y } = regressionData(16, 4, 2);
    for (const mode of ['implicit', 'phantom', 'jfb'] as const) {
      const layer = deqLayer({ units: 8, backward: { mode }, jacobianRegularization: { weight: 0.1, frequency: 2 } });
      const model = deqModel(layer, 4);
      await model.fit(x, y, { epochs: 1, batchSize: 16, verbose: 0 });
      expect(layer.lastJacobianEstimate).toBeGreaterThan(0);
      const before = tf.memory().numTensors;
      await model.fit(x, y, { epochs: 50, batchSize: 16, verbose: 0 });
      expect(tf.memory().numTensors).toBe(before);
      model.dispose();
    }
    tf.dispose([x, y]);
  });

  it('round-trips through serialization with its cell config and weights', async () => {
    const cell = tf.sequential({
      layers: [tf.layers.dense({ inputShape: [10], units: 6, activation: 'tanh', kernelInitializer: tf.initializers.randomNormal({ stddev: 0.2, seed: 3 }) })],
    });
    const layer = deqLayer({ units: 6, cell, forward: { solver: 'broyden', maxIters: 40, relTol: 1e-5 }, backward: { mode: 'phantom', phantomSteps: 3 } });
    const model = deqModel(layer, 4);
    const x = tf.tensor2d(normals(8, rng(4)), [2, 4]);
    const expected = model.predict(x) as tf.Tensor;

    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (a) => ((artifacts = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
    const restored = await tf.loadLayersModel(tf.io.fromMemory(artifacts!));
    const got = restored.predict(x) as tf.Tensor;
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(got, expected))).dataSync()[0]!)).toBeLessThan(1e-6);
    const restoredLayer = restored.layers.find((l) => l instanceof DEQLayer) as DEQLayer;
    expect(restoredLayer).toBeInstanceOf(DEQLayer);
    expect(restoredLayer.getConfig()['forward']).toEqual({ solver: 'broyden', maxIters: 40, relTol: 1e-5 });
    expect((restoredLayer.getConfig()['cell'] as { className: string }).className).toBe('Sequential');
    tf.dispose([x, expected, got]);
    model.dispose();
    restored.dispose();
  });

  it('accepts a function cell whose weights the layer owns, and trains it', async () => {
    // f(z, x) = tanh(z W + x U + b): W starts small so f is contractive.
    const fnCell: DeqFunctionCell = {
      weights: [
        { name: 'W', shape: (_d, n) => [n, n], initializer: tf.initializers.randomNormal({ stddev: 0.05, seed: 1 }) },
        { name: 'U', shape: (d, n) => [d, n] },
        { name: 'b', shape: (_d, n) => [n], initializer: tf.initializers.zeros() },
      ],
      apply: (z, x, [W, U, b]) => tf.tanh(tf.add(tf.add(tf.matMul(z, W as tf.Tensor2D), tf.matMul(x, U as tf.Tensor2D)), b!)) as tf.Tensor2D,
    };
    const { x, y } = regressionData(64, 5, 5);
    const layer = deqLayer({ units: 10, cell: fnCell });
    const model = deqModel(layer, 5);
    const w0 = layer.getWeights()[0]!.clone();
    const history = await model.fit(x, y, { epochs: 15, batchSize: 32, verbose: 0 });
    const losses = history.history['loss'] as number[];
    expect(losses[losses.length - 1]!).toBeLessThan(0.6 * losses[0]!);
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(layer.getWeights()[0]!, w0))).dataSync()[0]!)).toBeGreaterThan(1e-4);
    expect(() => layer.getConfig()).toThrow(UnsupportedError);
    tf.dispose([x, y, w0]);
    model.dispose();
  });

  it('throws a SolverError when asked to and the solve fails', () => {
    const layer = deqLayer({ units: 4, forward: { solver: 'fixed_point', maxIters: 2, relTol: 1e-12, absTol: 0, throwOnFailure: true } });
    const x = tf.ones([3, 2]);
    expect(() => layer.apply(x)).toThrow(SolverError);
    x.dispose();
  });

  it('Hutchinson estimate matches ||W||_F^2 / dim for a linear cell and is differentiable in the weights', () => {
    const n = 6;
    const W = tf.variable(tf.tensor2d(normals(n * n, rng(8)), [n, n]));
    const cell = cellFromFunction((z, x) => tf.add(tf.matMul(z, W), x) as tf.Tensor2D, [W]);
    const z = tf.zeros([4, n]) as tf.Tensor2D;
    const x = tf.zeros([4, n]) as tf.Tensor2D;
    const estimate = jacobianFrobeniusEstimate(cell, z, x, 400, 17).dataSync()[0]!;
    const exact = tf.tidy(() => tf.sum(tf.square(W)).dataSync()[0]! / n);
    expect(Math.abs(estimate - exact) / exact).toBeLessThan(0.1);
    // d/dW of the estimate with fixed probes equals 2 W (E[eps eps'] = I) / n, checked loosely by the same sampling.
    const { grads } = tf.variableGrads(() => jacobianFrobeniusEstimate(cell, z, x, 400, 17), [W]);
    const rel = tf.tidy(() => tf.norm(tf.sub(grads[W.name]!, tf.mul(W, 2 / n))).dataSync()[0]! / tf.norm(tf.mul(W, 2 / n)).dataSync()[0]!);
    expect(rel).toBeLessThan(0.15);
    tf.dispose([W, z, x, ...Object.values(grads)]);
  });
});
