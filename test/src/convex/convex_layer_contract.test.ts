import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Problem, minimize, parameter, sum, sumSquares, variable, type Parameter, type Variable } from '../../../dsl/index.js';
import { ShapeError, ValueError } from '../../../solvers/errors.js';
import { init } from '../../../src/init.js';
import { ConvexLayer, registerProblem } from '../../../src/convex/index.js';

/**
 * Projection of a onto the box [lo, hi] with a ridge:
 *   x*(a, lo, hi) = argmin |x - a|^2 + 0.1 |x|^2  s.t.  lo <= x <= hi,
 * whose closed form is clip(a / 1.1, lo, hi).
 */
function boxParts(): { problem: Problem; x: Variable; a: Parameter; lo: Parameter; hi: Parameter } {
  const x = variable(3, { name: 'x' });
  const a = parameter(3, { name: 'a' });
  const lo = parameter(3, { name: 'lo' });
  const hi = parameter(3, { name: 'hi' });
  const problem = new Problem(minimize(sumSquares(x.sub(a)).add(sumSquares(x).mul(0.1))), [x.ge(lo), x.le(hi)]);
  return { problem, x, a, lo, hi };
}

const PROBLEM_NAME = 'test-contract-ridge-box';

beforeAll(async () => {
  await init();
  registerProblem(PROBLEM_NAME, () => boxParts().problem);
});

function buildModel(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 3, inputShape: [4], kernelInitializer: tf.initializers.glorotNormal({ seed: 7 }) }));
  model.add(
    new ConvexLayer({
      problem: PROBLEM_NAME,
      parameters: ['a'],
      weightParameters: { lo: { className: 'Constant', config: { value: -0.8 } }, hi: { className: 'Constant', config: { value: 0.8 } } },
      variables: ['x'],
      solver: 'qp',
      tol: 1e-9,
    }),
  );
  return model;
}

function data(): { xs: tf.Tensor2D; ys: tf.Tensor2D } {
  const xs = tf.randomNormal([32, 4], 0, 1, 'float32', 11) as tf.Tensor2D;
  const ys = tf.tidy(() => tf.clipByValue(tf.matMul(xs, tf.randomNormal([4, 3], 0, 1, 'float32', 12)), -0.3, 0.3)) as tf.Tensor2D;
  return { xs, ys };
}

describe('ConvexLayer is a tf.layers.Layer', () => {
  it('model.add(new ConvexLayer(...)) in tf.sequential: model.fit changes the weights and lowers the loss', async () => {
    const model = buildModel();
    const layer = model.layers[1] as ConvexLayer;
    expect(layer).toBeInstanceOf(tf.layers.Layer);
    expect(model.outputs[0]!.shape).toEqual([null, 3]);
    const before = layer.getWeights().map((w) => Array.from(w.dataSync()));
    model.compile({ optimizer: tf.train.adam(0.03), loss: 'meanSquaredError' });
    const { xs, ys } = data();
    const history = await model.fit(xs, ys, { epochs: 12, batchSize: 16, verbose: 0 });
    const losses = history.history['loss'] as number[];
    expect(losses[losses.length - 1]!).toBeLessThan(0.8 * losses[0]!);
    const after = layer.getWeights().map((w) => Array.from(w.dataSync()));
    // The box weights lo, hi moved (targets live in [-0.3, 0.3], the box starts at [-0.8, 0.8]).
    const moved = after.flat().reduce((m, v, i) => Math.max(m, Math.abs(v - before.flat()[i]!)), 0);
    expect(moved).toBeGreaterThan(1e-3);
    expect(layer.lastStats!.statuses.every((s) => s === 'optimal')).toBe(true);
    tf.dispose([xs, ys]);
    model.dispose();
  });

  it('the two-argument form with DSL objects also goes into model.add, and predicts the closed form', () => {
    const parts = boxParts();
    const model = tf.sequential();
    model.add(tf.layers.dense({ units: 3, inputShape: [3], useBias: false, kernelInitializer: 'identity' }));
    model.add(new ConvexLayer(parts.problem, { parameters: [parts.a], weightParameters: { lo: { className: 'Constant', config: { value: -0.8 } }, hi: 'ones' }, variables: [parts.x] }));
    const av = [[2, -2, 0.5], [-0.3, 0.9, 1.5]];
    const a = tf.tensor2d(av);
    const out = model.predict(a) as tf.Tensor;
    const got = out.dataSync();
    av.flat().forEach((v, i) => expect(got[i]!).toBeCloseTo(Math.min(1, Math.max(-0.8, v / 1.1)), 5));
    tf.dispose([a, out]);
    model.dispose();
  });

  it('save / load round trip (model.save to memory, tf.loadLayersModel) gives the same layer and predictions', async () => {
    const model = buildModel();
    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    const restored = await tf.loadLayersModel(tf.io.fromMemory(artifacts!));
    const layer = restored.layers[1] as ConvexLayer;
    expect(layer).toBeInstanceOf(ConvexLayer);
    expect(layer.getConfig()['parameters']).toEqual([{ name: 'a' }]);
    expect(layer.getConfig()['solver']).toBe('qp');
    expect(layer.getConfig()['tol']).toBe(1e-9);
    const x = tf.tensor2d([[1, 2, 3, 4], [-1, 0.5, 0, 2]]);
    const a = model.predict(x) as tf.Tensor;
    const b = restored.predict(x) as tf.Tensor;
    expect(b.shape).toEqual([2, 3]);
    const av = a.dataSync();
    b.dataSync().forEach((v, i) => expect(v).toBeCloseTo(av[i]!, 5));
    tf.dispose([x, a, b]);
    model.dispose();
    restored.dispose();
  });

  it('works on symbolic inputs in a functional tf.model, with the same numbers as the function form and the closed form', () => {
    const parts = boxParts();
    const layer = new ConvexLayer(parts.problem, { parameters: [parts.a, parts.lo, parts.hi], variables: [parts.x], solver: 'scs', tol: 1e-9 });
    const inputs = [tf.input({ shape: [3] }), tf.input({ shape: [3] }), tf.input({ shape: [3] })];
    const out = layer.apply(inputs) as tf.SymbolicTensor;
    expect(out.shape).toEqual([null, 3]);
    const model = tf.model({ inputs, outputs: out });
    const av = [[1.5, -0.2, 0.4], [-2, 0.9, 0.05]];
    const lov = [[-1, -1, 0.5], [-0.5, 0, -1]];
    const hiv = [[1, 1, 1], [0.5, 1, 1]];
    const feeds = [tf.tensor2d(av), tf.tensor2d(lov), tf.tensor2d(hiv)];
    const viaModel = model.predict(feeds) as tf.Tensor;
    const [viaFunction] = layer.apply(feeds);
    const m = viaModel.dataSync();
    viaFunction!.dataSync().forEach((v, i) => expect(v).toBeCloseTo(m[i]!, 5));
    av.flat().forEach((v, i) => expect(m[i]!).toBeCloseTo(Math.min(hiv.flat()[i]!, Math.max(lov.flat()[i]!, v / 1.1)), 5));
    tf.dispose([...feeds, viaModel, viaFunction!]);
  });

  it('function form: values and gradients match central differences of the float64 problem.solve', () => {
    const parts = boxParts();
    const layer = new ConvexLayer(parts.problem, { parameters: [parts.a, parts.lo, parts.hi], variables: [parts.x], solver: 'qp', tol: 1e-10 });
    const a0 = [0.7, -1.3, 0.2];
    const lo0 = [-1, -1, 0.3];
    const hi0 = [0.5, 1, 1];
    const w = [0.3, -0.8, 1.1];
    // Reference: l(a, lo, hi) = w . x*(a, lo, hi) from problem.solve in float64.
    const loss = (a: number[], lo: number[], hi: number[]): number => {
      parts.a.value = a;
      parts.lo.value = lo;
      parts.hi.value = hi;
      const r = parts.problem.solve({ solver: 'qp', tol: 1e-11 });
      expect(r.status).toBe('optimal');
      const x = parts.x.value!.toArray() as number[];
      return x.reduce((s, v, i) => s + w[i]! * v, 0);
    };
    const values = [a0, lo0, hi0];
    const tensors = values.map((v) => tf.tensor1d(v));
    const grads = tf.grads((a: tf.Tensor, lo: tf.Tensor, hi: tf.Tensor) => tf.sum(tf.mul(layer.apply([a, lo, hi])[0]!, tf.tensor1d(w))))(tensors);
    const [xStar] = layer.apply(tensors);
    parts.a.value = a0;
    parts.lo.value = lo0;
    parts.hi.value = hi0;
    parts.problem.solve({ solver: 'qp', tol: 1e-11 });
    const ref = parts.x.value!.toArray() as number[];
    xStar!.dataSync().forEach((v, i) => expect(v).toBeCloseTo(ref[i]!, 5));
    const h = 1e-5;
    values.forEach((v, k) => {
      const g = grads[k]!.dataSync();
      v.forEach((_, i) => {
        const shift = (d: number) => values.map((u, j) => (j === k ? u.map((x, q) => (q === i ? x + d : x)) : u));
        const [pa, pl, ph] = shift(h);
        const [ma, ml, mh] = shift(-h);
        const fd = (loss(pa!, pl!, ph!) - loss(ma!, ml!, mh!)) / (2 * h);
        expect(Math.abs(g[i]! - fd)).toBeLessThan(1e-4);
      });
    });
    tf.dispose([...tensors, ...grads, xStar!]);
  });

  it('does not leak tensors over a training loop (function form with an optimizer, and model.fit)', async () => {
    const parts = boxParts();
    const layer = new ConvexLayer(parts.problem, {
      parameters: [parts.a],
      weightParameters: { lo: { className: 'Constant', config: { value: -1 } }, hi: 'ones' },
      variables: [parts.x],
      solver: 'qp',
    });
    const target = tf.tensor2d([[0.2, -0.1, 0.1], [0.3, 0, -0.2]]);
    const a = tf.tensor2d([[1, -1, 0.5], [2, 0.1, -3]]);
    const opt = tf.train.sgd(0.1);
    const step = () => opt.minimize(() => tf.losses.meanSquaredError(target, layer.apply([a])[0]!) as tf.Scalar);
    // The first call builds the weights (lo, hi); then one step creates the optimizer state.
    tf.dispose(layer.apply([a]));
    expect(layer.trainableWeights.map((w) => w.originalName.split('/').pop())).toEqual(['lo', 'hi']);
    step();
    const start = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) step();
    expect(tf.memory().numTensors).toBe(start);

    const model = buildModel();
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const { xs, ys } = data();
    await model.fit(xs, ys, { epochs: 1, batchSize: 16, verbose: 0 });
    const before = tf.memory().numTensors;
    await model.fit(xs, ys, { epochs: 3, batchSize: 16, verbose: 0 });
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([target, a, xs, ys]);
    model.dispose();
  });

  it('returns constraint duals (stored as constraint indices) and keeps them through toJSON / modelFromJSON', async () => {
    // min |x - a|^2 s.t. sum(x) <= 1: for a = (1, 1, 1), KKT 2 (x - a) + lambda 1 = 0 gives x = 1/3, lambda = 4/3.
    registerProblem('test-contract-budget', () => {
      const x = variable(3, { name: 'x' });
      const a = parameter(3, { name: 'a' });
      return new Problem(minimize(sumSquares(x.sub(a))), [sum(x).le(1)]);
    });
    const input = tf.input({ shape: [3] });
    const layer = new ConvexLayer({ problem: 'test-contract-budget', parameters: ['a'], variables: ['x'], duals: [0], tol: 1e-9 });
    const outs = layer.apply(input) as tf.SymbolicTensor[];
    expect(outs.map((o) => o.shape)).toEqual([[null, 3], [null]]);
    const model = tf.model({ inputs: input, outputs: outs });
    expect(layer.getConfig()['duals']).toEqual([0]);
    const restored = await tf.models.modelFromJSON(model.toJSON(null, false) as tf.serialization.ConfigDict);
    const a = tf.tensor2d([[1, 1, 1], [0.2, 0.1, 0]]);
    const [x, lambda] = restored.predict(a) as tf.Tensor[];
    const xv = x!.dataSync();
    [1 / 3, 1 / 3, 1 / 3].forEach((v, i) => expect(xv[i]!).toBeCloseTo(v, 5));
    // Second row: sum(a) = 0.3 < 1, the budget is slack, so x = a and lambda = 0.
    [0.2, 0.1, 0].forEach((v, i) => expect(xv[3 + i]!).toBeCloseTo(v, 5));
    expect(lambda!.dataSync()[0]!).toBeCloseTo(4 / 3, 5);
    expect(lambda!.dataSync()[1]!).toBeCloseTo(0, 5);
    tf.dispose([a, x!, lambda!]);
  });

  it('misuse gives typed errors that say which form to use', () => {
    const parts = boxParts();
    expect(() => new ConvexLayer(parts.problem as never)).toThrow(/new ConvexLayer\(problem, \{parameters, variables/);
    const layer = new ConvexLayer(parts.problem, { parameters: [parts.a, parts.lo, parts.hi], variables: [parts.x] });
    expect(() => layer.getConfig()).toThrow(/registerProblem/);
    expect(() => layer.apply([tf.input({ shape: [4] }), tf.input({ shape: [3] }), tf.input({ shape: [3] })])).toThrow(ShapeError);
    expect(() => layer.apply([tf.input({ shape: [3] })])).toThrow(/expects 3 input/);
    expect(() => new ConvexLayer({ problem: PROBLEM_NAME, parameters: ['a', 'lo', 'nope'], variables: ['x'] })).toThrow(/no parameter named 'nope'/);
    expect(() => new ConvexLayer({ problem: PROBLEM_NAME, parameters: ['a', 'lo', 'hi'], variables: ['x'], tolerance: 1e-3 } as never)).toThrow(ValueError);
  });
});
