import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Problem, minimize, parameter, sumSquares, variable } from '../../dsl/index.js';
import { OptlayersError } from '../../solvers/errors.js';
import { init } from '../../src/init.js';
import { ConvexLayer } from '../../src/convex/index.js';
import { optNetLayer, qp } from '../../src/qp/index.js';
import { deqLayer, type DeqFunctionCell } from '../../src/deq/index.js';
import { monDeqLayer } from '../../src/mondeq/index.js';
import { icnn } from '../../src/icnn/index.js';
import { stableDynamics } from '../../src/stable/index.js';

beforeAll(async () => {
  await init();
});

/** Runs `f` (which must throw a typed error) and checks no tensor outlives it. */
function expectThrowsWithoutLeak(f: () => unknown): void {
  const before = tf.memory().numTensors;
  let caught: unknown;
  try {
    tf.tidy(() => {
      f();
    });
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(OptlayersError);
  expect(tf.memory().numTensors).toBe(before);
}

const logCell: DeqFunctionCell = { weights: [], apply: (z, x) => tf.add(tf.mul(z, 0.5), tf.log(x)) as tf.Tensor2D };

describe('failure and misuse paths leak no tensors', () => {
  it('DEQ / monDEQ: NaN input, diverged sample under throw, wrong width', () => {
    const deq = deqLayer({ units: 3, cell: logCell, forward: { solver: 'anderson', maxIters: 20 } });
    const x = tf.tensor2d([[2, 3, 0.5], [-1, 1, 1]]);
    const nan = tf.tensor2d([[1, NaN, 1]]);
    expectThrowsWithoutLeak(() => deq.apply(x));
    expectThrowsWithoutLeak(() => deq.apply(nan));
    expectThrowsWithoutLeak(() => tf.grad((t: tf.Tensor) => (deq.apply(t) as tf.Tensor).sum())(x));
    const mon = monDeqLayer({ units: 2 });
    tf.tidy(() => {
      mon.apply(tf.ones([1, 3]));
    });
    expectThrowsWithoutLeak(() => mon.apply(nan));
    expectThrowsWithoutLeak(() => mon.apply(tf.ones([1, 4])));
    tf.dispose([x, nan]);
  });

  it('ConvexLayer and qp(): a failed status under throw, wrong dtype', () => {
    const xv = variable(2, { name: 'x' });
    const a = parameter(2, { name: 'a' });
    const layer = new ConvexLayer(new Problem(minimize(sumSquares(xv.sub(a))), [xv.ge(0)]), { parameters: [a], variables: [xv], solver: 'qp', qp: { maxIters: 1 } });
    const av = tf.tensor2d([[1, -1], [0.5, 2]]);
    expectThrowsWithoutLeak(() => layer.apply([av]));
    expectThrowsWithoutLeak(() => layer.apply([tf.ones([2], 'int32')]));
    expectThrowsWithoutLeak(() => qp(tf.eye(2), tf.tensor2d([[1, 1], [2, -1]]), tf.neg(tf.eye(2)), tf.zeros([2]), null, null, { maxIters: 1 }));
    const opt = optNetLayer({ nVariables: 2, inputs: ['Q', 'p'] });
    expectThrowsWithoutLeak(() => opt.apply(tf.ones([1, 2])));
    av.dispose();
  });

  it('ICNN / StableDynamics: wrong width after build', () => {
    const net = icnn({ hiddenUnits: [2] });
    tf.tidy(() => {
      net.apply(tf.ones([1, 2]));
    });
    expectThrowsWithoutLeak(() => net.apply(tf.ones([1, 3])));
    const dyn = stableDynamics({ nominalUnits: [2], lyapunovArgs: { hiddenUnits: [2] } });
    tf.tidy(() => {
      dyn.apply(tf.ones([1, 2]));
    });
    expectThrowsWithoutLeak(() => dyn.apply(tf.ones([1, 3])));
  });
});
