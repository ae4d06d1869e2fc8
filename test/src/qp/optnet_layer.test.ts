import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ShapeError, ValueError } from '../../../solvers/errors.js';
import { selectBackend } from '../../../src/backend.js';
import { OptNetLayer, optNetLayer } from '../../../src/qp/optnet_layer.js';
import { qp } from '../../../src/qp/qp_function.js';
import { relativeError, seeded } from './qp_test_utils.js';

beforeAll(async () => {
  await selectBackend();
});

async function roundTrip(model: tf.LayersModel): Promise<tf.LayersModel> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    saved = artifacts;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  // Through JSON text, as a file would be.
  const topology = JSON.parse(JSON.stringify(saved!.modelTopology));
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: topology, weightSpecs: saved!.weightSpecs, weightData: saved!.weightData }));
}

describe('OptNetLayer', () => {
  it('computes the parametrized QP: Q = LL\' + eps I, h = G z0 + s0, b = A z0', () => {
    const layer = optNetLayer({ nVariables: 3, nIneq: 4, nEq: 1, seed: 7, eps: 0.01 });
    const p = tf.tensor2d([[1, -2, 0.5], [0, 0, 0]]);
    const z = layer.apply(p) as tf.Tensor;
    expect(z.shape).toEqual([2, 3]);
    expect(layer.sources).toEqual({ Q: 'learned', p: 'input', G: 'learned', h: 'learned', A: 'learned', b: 'learned' });
    const [L, G, A, z0, s0] = ['L', 'G', 'A', 'z0', 's0'].map((name) => layer.getWeights().find((_, i) => layer.weights[i]!.originalName.endsWith(`/${name}`))!);
    const Lt = tf.linalg.bandPart(L!, -1, 0);
    const Q = tf.add(tf.matMul(Lt, Lt, false, true), tf.mul(tf.eye(3), 0.01));
    const h = tf.add(tf.squeeze(tf.matMul(G!, tf.expandDims(z0!, 1)), [1]), tf.softplus(s0!));
    const b = tf.squeeze(tf.matMul(A!, tf.expandDims(z0!, 1)), [1]);
    const expected = qp(Q, p, G, h, A, b);
    expect(relativeError(z.dataSync(), expected.dataSync(), 0.1)).toBeLessThan(1e-5);
  });

  it('validates its options and input shapes, naming the argument', () => {
    expect(() => optNetLayer({ nVariables: 3, fixed: { G: [[1, 2, 3]] } })).toThrow(/nIneq = 0/);
    expect(() => optNetLayer({ nVariables: 3, nIneq: 2, fixed: { G: -1 } })).toThrow(/fixed.G: a number means a multiple of the identity/);
    expect(() => optNetLayer({ nVariables: 2, nIneq: 1, fixed: { h: [1, 2] } })).toThrow(ShapeError);
    expect(() => optNetLayer({ nVariables: 2, inputs: ['p'], fixed: { p: [1, 2] } })).toThrow(/both fixed and an input/);
    expect(() => optNetLayer({ nVariables: 2, inputs: ['x' as never] })).toThrow(ValueError);
    const layer = optNetLayer({ nVariables: 3 });
    expect(() => layer.apply(tf.zeros([2, 4]))).toThrow(/input p must have shape \[batch, 3\]/);
  });

  it('trains with model.fit (loss falls) in a functional model with p and h as inputs', async () => {
    // Teacher: z = argmin 1/2|z|^2 + (x W)'z s.t. z <= u, with a hidden W; the student learns p from x
    // through a dense layer and Q, G (h fed as an input).
    const rand = seeded(21);
    const [n, count] = [4, 96];
    const W = tf.tensor(Array.from({ length: n * n }, () => 2 * rand() - 1), [n, n]);
    const x = tf.tensor(Array.from({ length: count * n }, () => 2 * rand() - 1), [count, n]);
    const u = tf.tensor(Array.from({ length: count * n }, () => 0.3 * rand()), [count, n]);
    const y = qp(tf.eye(n), tf.matMul(x, W), tf.eye(n), u);
    const xIn = tf.input({ shape: [n] });
    const hIn = tf.input({ shape: [n] });
    const pOut = tf.layers.dense({ units: n, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }).apply(xIn) as tf.SymbolicTensor;
    const zOut = optNetLayer({ nVariables: n, nIneq: n, inputs: ['p', 'h'], seed: 4 }).apply([pOut, hIn]) as tf.SymbolicTensor;
    const model = tf.model({ inputs: [xIn, hIn], outputs: zOut });
    model.compile({ optimizer: tf.train.adam(0.05), loss: 'meanSquaredError' });
    const history = await model.fit([x, u], y, { epochs: 12, batchSize: 32, verbose: 0, shuffle: false });
    const losses = history.history['loss'] as number[];
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[losses.length - 1]!).toBeLessThan(0.5 * losses[0]!);
  });

  it('keeps tf.memory().numTensors flat over 60 training steps', () => {
    const model = tf.sequential({ layers: [optNetLayer({ inputShape: [3], nVariables: 3, nIneq: 2, nEq: 1, seed: 1 })] });
    const opt = tf.train.adam(0.01);
    const x = tf.tensor2d([[1, 0, -1], [0.5, 2, 0]]);
    const target = tf.tensor2d([[0.1, 0.2, 0.3], [0, 0, 1]]);
    const step = () => opt.minimize(() => tf.losses.meanSquaredError(target, model.apply(x, { training: true }) as tf.Tensor), false);
    for (let i = 0; i < 3; i++) step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 60; i++) step();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('survives a serialization round trip in tf.sequential (config and predictions)', async () => {
    const model = tf.sequential();
    model.add(tf.layers.dense({ inputShape: [4], units: 5, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }));
    model.add(optNetLayer({
      nVariables: 5, nIneq: 5, nEq: 2, fixed: { Q: 0.5, G: -1 }, feasiblePoint: 'positive', seed: 3,
      tol: 1e-8, maxIters: 40, onSolverFailure: 'zero-gradient',
    }));
    const x = tf.tensor2d([[1, 2, 3, 4], [-1, 0, 1, 0]]);
    const before = (model.predict(x) as tf.Tensor).dataSync();
    const loaded = await roundTrip(model);
    const layer = loaded.layers[1] as OptNetLayer;
    expect(layer).toBeInstanceOf(OptNetLayer);
    expect(layer.getConfig()).toEqual(model.layers[1]!.getConfig());
    expect(layer.sources).toEqual({ Q: 'fixed', p: 'input', G: 'fixed', h: 'learned', A: 'learned', b: 'learned' });
    expect(relativeError((loaded.predict(x) as tf.Tensor).dataSync(), before, 0.1)).toBeLessThan(1e-6);
    // Multiple inputs, including Q, serialize too (names are case-folded by tfjs).
    const pIn = tf.input({ shape: [2] });
    const qIn = tf.input({ shape: [2, 2] });
    const multi = tf.model({ inputs: [qIn, pIn], outputs: optNetLayer({ nVariables: 2, inputs: ['Q', 'p'] }).apply([qIn, pIn]) as tf.SymbolicTensor });
    const multiLoaded = await roundTrip(multi);
    expect((multiLoaded.layers[2] as OptNetLayer).sources.Q).toBe('input');
    const q = tf.tensor3d([[[2, 0], [0, 2]]]);
    const pv = tf.tensor2d([[-2, 4]]);
    expect(Array.from((multiLoaded.predict([q, pv]) as tf.Tensor).dataSync())).toEqual([expect.closeTo(1, 5), expect.closeTo(-2, 5)]);
  });
});
