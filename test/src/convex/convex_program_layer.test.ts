import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Problem, minimize, parameter, sumSquares, variable } from '../../../dsl/index.js';
import { ValueError } from '../../../solvers/errors.js';
import { init } from '../../../src/init.js';
import { ConvexProgramLayer, convexProgramLayer, registerProblem } from '../../../src/convex/index.js';

/** Projection of a onto the box [lo, hi]; lo and hi become trainable weights. */
function boxProblem(): Problem {
  const x = variable(3, { name: 'x' });
  const a = parameter(3, { name: 'a' });
  const lo = parameter(3, { name: 'lo' });
  const hi = parameter(3, { name: 'hi' });
  return new Problem(minimize(sumSquares(x.sub(a))), [x.ge(lo), x.le(hi)]);
}

beforeAll(async () => {
  await init();
  registerProblem('test-box-projection', boxProblem);
});

function buildModel(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 3, inputShape: [4], kernelInitializer: tf.initializers.glorotNormal({ seed: 5 }) }));
  model.add(
    convexProgramLayer({
      problem: 'test-box-projection',
      inputParameters: ['a'],
      weightParameters: { lo: { className: 'Constant', config: { value: -0.6 } }, hi: { className: 'Constant', config: { value: 0.6 } } },
      outputVariables: ['x'],
      solverOptions: { solver: 'qp' },
    }),
  );
  return model;
}

describe('ConvexProgramLayer (tf.layers form)', () => {
  it('trains with model.fit in tf.sequential: loss falls, the box weights shrink towards the clipped targets', async () => {
    const model = buildModel();
    model.compile({ optimizer: tf.train.adam(0.02), loss: 'meanSquaredError' });
    const xs = tf.randomNormal([32, 4], 0, 1, 'float32', 3);
    const ys = tf.tidy(() => tf.clipByValue(tf.matMul(xs, tf.randomNormal([4, 3], 0, 1, 'float32', 4)), -0.3, 0.3));
    const history = await model.fit(xs, ys, { epochs: 25, batchSize: 16, verbose: 0 });
    const losses = history.history['loss'] as number[];
    expect(losses[losses.length - 1]!).toBeLessThan(0.6 * losses[0]!);
    const layer = model.layers[1] as ConvexProgramLayer;
    const [lo, hi] = layer.getWeights().map((w) => w.dataSync());
    // The targets are clipped to [-0.3, 0.3]: the learned box shrinks towards it.
    expect(Math.max(...lo!)).toBeGreaterThan(-0.55);
    expect(Math.min(...hi!)).toBeLessThan(0.55);
    expect(layer.convex.lastStats!.statuses.every((s) => s === 'optimal')).toBe(true);
    tf.dispose([xs, ys]);
  });

  it('round-trips through toJSON / modelFromJSON via the registered problem name', async () => {
    const model = buildModel();
    const json = model.toJSON(null, false) as tf.serialization.ConfigDict;
    const restored = await tf.models.modelFromJSON(json);
    restored.setWeights(model.getWeights());
    const layer = restored.layers[1] as ConvexProgramLayer;
    expect(layer).toBeInstanceOf(ConvexProgramLayer);
    // Names are stored as {name} so tfjs's case conversion on save/load leaves them alone.
    expect(layer.getConfig()['problem']).toEqual({ name: 'test-box-projection' });
    const x = tf.tensor2d([[1, 2, 3, 4], [-1, 0.5, 0, 2]]);
    const a = model.predict(x) as tf.Tensor;
    const b = restored.predict(x) as tf.Tensor;
    expect(a.shape).toEqual([2, 3]);
    Array.from(a.dataSync()).forEach((v, i) => expect(b.dataSync()[i]).toBeCloseTo(v, 5));
    tf.dispose([x, a, b]);
  });

  it('works in a functional tf.model with two inputs and explains unserializable use', () => {
    const a = tf.input({ shape: [3] });
    const hi = tf.input({ shape: [3] });
    const layer = new ConvexProgramLayer({ problem: boxProblem(), inputParameters: ['a', 'hi'], weightParameters: { lo: 'zeros' }, outputVariables: ['x'] });
    const model = tf.model({ inputs: [a, hi], outputs: layer.apply([a, hi]) as tf.SymbolicTensor });
    const out = model.predict([tf.tensor2d([[-1, 0.5, 2]]), tf.tensor2d([[1, 0.2, 1]])]) as tf.Tensor;
    Array.from(out.dataSync()).forEach((v, i) => expect(v).toBeCloseTo([0, 0.2, 1][i]!, 4));
    expect(() => layer.getConfig()).toThrow(/registerProblem/);
    expect(() => new ConvexProgramLayer({ problem: 'no-such-problem', inputParameters: ['a'], outputVariables: ['x'] })).toThrow(ValueError);
    expect(() => new ConvexProgramLayer({ problem: 'test-box-projection', inputParameters: ['a'], outputVariables: ['y'] })).toThrow(/no variable named 'y'/);
    expect(() => new ConvexProgramLayer({ problem: 'test-box-projection', inputParameters: ['a'], outputVariables: ['x'] })).toThrow(/'lo'.*missing/);
    out.dispose();
  });
});
