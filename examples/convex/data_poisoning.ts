/**
 * `npm run example:convex-poisoning`: the data-poisoning experiment of
 * Agrawal et al., "Differentiable Convex Optimization Layers" (NeurIPS 2019,
 * sec. 6). Elastic-net regularized logistic regression is a convex layer
 * whose parameters are the training points X:
 *
 *   (w, b)(X) = argmin  (1/N) sum_i logistic(-y_i (x_i'w + b)) + l1 |w|_1 + l2 |w|_2^2.
 *
 * The test loss L(w(X), b(X)) on held-out data is differentiated with respect
 * to every training point. The training points with the largest gradients are
 * the most influential; moving every point by 0.01 * sign(dL/dX) (a
 * perturbation bounded by 0.01 in the infinity norm) and refitting raises the
 * test loss, which the gradient predicts to first order.
 *
 * Flags: --n N training points (default 40), --dim D (default 5), --seed S (default 3).
 */
import * as tf from '@tensorflow/tfjs';
import { parseArgs } from 'node:util';
import { Problem, constant, logistic, matmul, minimize, multiply, norm1, parameter, sum, sumSquares, variable } from 'optlayers/dsl';
import { ConvexLayer, init } from 'optlayers';
import { SeededRandom } from '../common/random.js';

const { values: flags } = parseArgs({
  options: { n: { type: 'string', default: '40' }, dim: { type: 'string', default: '5' }, seed: { type: 'string', default: '3' } },
});
const N = Number(flags.n);
const D = Number(flags.dim);
const rng = new SeededRandom(Number(flags.seed));
const l1 = 0.01;
const l2 = 0.01;
const epsilon = 0.01;

/** Two overlapping Gaussian classes with labels +-1 along a random direction. */
function sample(count: number, direction: number[]): { X: number[][]; y: number[] } {
  const X: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < count; i++) {
    const label = i % 2 === 0 ? 1 : -1;
    X.push(direction.map((d) => 0.6 * label * d + rng.normal()));
    y.push(label);
  }
  return { X, y };
}

async function main(): Promise<void> {
  const backend = await init();
  console.log(`backend: ${backend.backend} (${backend.source})`);
  const direction = Array.from({ length: D }, () => rng.normal());
  const train = sample(N, direction);
  const test = sample(400, direction);

  const w = variable(D, { name: 'w' });
  const b = variable([], { name: 'b' });
  const X = parameter([N, D], { name: 'X' });
  const margins = multiply(constant(train.y.map((v) => -v)), matmul(X, w).add(b));
  const problem = new Problem(minimize(sum(logistic(margins)).mul(1 / N).add(norm1(w).mul(l1)).add(sumSquares(w).mul(l2))));
  const layer = new ConvexLayer(problem, { parameters: [X], variables: [w, b], tol: 1e-9 });

  const testX = tf.tensor2d(test.X);
  const testY = tf.tensor1d(test.y);
  /** Mean logistic loss log(1 + exp(-y (x'w + b))) on the test set, as a function of the training points. */
  const testLoss = (trainX: tf.Tensor2D): tf.Scalar =>
    tf.tidy(() => {
      const [wt, bt] = layer.apply([trainX]);
      const z = tf.add(tf.matMul(testX, wt!.reshape([D, 1])).reshape([-1]), bt!);
      return tf.mean(tf.softplus(tf.neg(tf.mul(testY, z)))) as tf.Scalar;
    });

  const trainX = tf.tensor2d(train.X);
  const t0 = performance.now();
  const { value, grad } = tf.valueAndGrad(testLoss)(trainX);
  const seconds = (performance.now() - t0) / 1000;
  const base = value.dataSync()[0]!;
  console.log(`fit + gradient of the test loss w.r.t. all ${N}x${D} training entries: ${seconds.toFixed(2)} s (route ${layer.route}, status ${layer.lastStats!.statuses[0]})`);
  console.log(`test loss of the clean model: ${base.toFixed(5)}`);

  const g = grad.arraySync() as number[][];
  const ranked = g.map((row, i) => ({ i, norm: Math.hypot(...row), label: train.y[i]! })).sort((a, b) => b.norm - a.norm);
  console.log('most influential training points (largest |dL/dx_i|):');
  for (const r of ranked.slice(0, 5)) console.log(`  point ${String(r.i).padStart(3)} (label ${r.label > 0 ? '+1' : '-1'}): |grad| = ${r.norm.toExponential(3)}`);
  console.log(`least influential: point ${ranked[ranked.length - 1]!.i} with |grad| = ${ranked[ranked.length - 1]!.norm.toExponential(3)}`);

  const poisoned = tf.tidy(() => tf.add(trainX, tf.mul(epsilon, tf.sign(grad))) as tf.Tensor2D);
  const predicted = epsilon * g.flat().reduce((a, v) => a + Math.abs(v), 0);
  const after = testLoss(poisoned);
  const increase = after.dataSync()[0]! - base;
  const randomSign = tf.tidy(() => tf.add(trainX, tf.mul(epsilon, tf.sign(tf.randomUniform(trainX.shape, -1, 1, 'float32', 7)))) as tf.Tensor2D);
  const randomAfter = testLoss(randomSign);
  console.log(`perturbation 0.01 * sign(dL/dX) (|dX|_inf = ${epsilon}):`);
  console.log(`  test loss ${base.toFixed(5)} -> ${after.dataSync()[0]!.toFixed(5)}: increase ${increase.toExponential(3)} (first-order prediction ${predicted.toExponential(3)})`);
  console.log(`  a random-sign perturbation of the same size changes it by ${(randomAfter.dataSync()[0]! - base).toExponential(3)}`);
  tf.dispose([testX, testY, trainX, value, grad, poisoned, after, randomSign, randomAfter]);
}

await main();
