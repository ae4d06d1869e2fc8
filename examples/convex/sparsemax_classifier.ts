/**
 * `npm run example:convex-sparsemax`: a learnable projection layer inside a
 * classifier. The network's scores a are projected onto a capped simplex,
 *
 *   p(a) = argmin_x |x - a|^2  s.t.  sum(x) = 1,  0 <= x <= u,
 *
 * (sparsemax of Martins & Astudillo 2016 when u >= 1; a "constrained sparsemax"
 * with a learnable cap u < 1) written in the DSL and wrapped as a
 * ConvexLayer in a tf.sequential: a comes from a dense layer, the cap u is a trainable
 * weight. The model trains with model.fit on a synthetic 5-class Gaussian
 * mixture; the projection gives sparse class probabilities (exact zeros).
 * Prints accuracy, the learned caps and how sparse the outputs are.
 *
 * Flags: --epochs N (default 30), --seed S (default 1).
 */
import * as tf from '@tensorflow/tfjs';
import { parseArgs } from 'node:util';
import { Problem, minimize, parameter, sum, sumSquares, variable } from 'optlayers/dsl';
import { ConvexLayer, init, registerProblem } from 'optlayers';
import { ProgressBar } from '../common/progress.js';
import { SeededRandom } from '../common/random.js';

const { values: flags } = parseArgs({ options: { epochs: { type: 'string', default: '30' }, seed: { type: 'string', default: '1' } } });
const epochs = Number(flags.epochs);
const seed = Number(flags.seed);
const classes = 5;
const dim = 8;

/** The projection problem, registered by name so the model can be saved and reloaded. */
function cappedSimplexProjection(): Problem {
  const x = variable(classes, { name: 'probs' });
  const a = parameter(classes, { name: 'scores' });
  const u = parameter(classes, { name: 'cap' });
  return new Problem(minimize(sumSquares(x.sub(a))), [sum(x).eq(1), x.ge(0), x.le(u)]);
}
registerProblem('capped-simplex-projection', cappedSimplexProjection);

/** Gaussian blobs: class c centred at a random point, unit noise. */
function dataset(rng: SeededRandom, count: number, centres: number[][]): { x: tf.Tensor2D; y: tf.Tensor2D; labels: number[] } {
  const xs: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < count; i++) {
    const c = i % classes;
    labels.push(c);
    xs.push(centres[c]!.map((m) => m + 1.3 * rng.normal()));
  }
  return { x: tf.tensor2d(xs), y: tf.oneHot(tf.tensor1d(labels, 'int32'), classes).toFloat() as tf.Tensor2D, labels };
}

function accuracy(model: tf.LayersModel, x: tf.Tensor2D, labels: number[]): { acc: number; zeros: number } {
  const p = model.predict(x) as tf.Tensor2D;
  const rows = p.arraySync();
  p.dispose();
  let right = 0;
  let zeros = 0;
  rows.forEach((r, i) => {
    if (r.indexOf(Math.max(...r)) === labels[i]) right++;
    zeros += r.filter((v) => Math.abs(v) < 1e-6).length;
  });
  return { acc: right / rows.length, zeros: zeros / (rows.length * classes) };
}

async function main(): Promise<void> {
  const backend = await init();
  console.log(`backend: ${backend.backend} (${backend.source})`);
  const rng = new SeededRandom(seed);
  const centres = Array.from({ length: classes }, () => Array.from({ length: dim }, () => 1.6 * rng.normal()));
  const train = dataset(rng, 400, centres);
  const test = dataset(rng, 400, centres);
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: classes, inputShape: [dim], kernelInitializer: tf.initializers.glorotNormal({ seed }) }));
  model.add(
    new ConvexLayer({
      problem: 'capped-simplex-projection',
      parameters: ['scores'],
      weightParameters: { cap: { className: 'Constant', config: { value: 1 } } },
      variables: ['probs'],
    }),
  );
  model.compile({ optimizer: tf.train.adam(0.03), loss: 'meanSquaredError' });
  const before = accuracy(model, test.x, test.labels);
  console.log(`test accuracy before training: ${(100 * before.acc).toFixed(1)}%`);
  const bar = new ProgressBar(epochs, 'training');
  const t0 = performance.now();
  await model.fit(train.x, train.y, {
    epochs,
    batchSize: 40,
    verbose: 0,
    callbacks: { onEpochEnd: async (epoch, logs) => bar.update(epoch + 1, `loss ${logs?.['loss']?.toFixed(4)}`) },
  });
  const seconds = (performance.now() - t0) / 1000;
  const layer = model.layers[1] as ConvexLayer;
  const trainAcc = accuracy(model, train.x, train.labels);
  const testAcc = accuracy(model, test.x, test.labels);
  console.log(`solver route: ${layer.route}; training took ${seconds.toFixed(1)} s (${epochs} epochs x ${train.labels.length / 40} batches)`);
  console.log(`train accuracy: ${(100 * trainAcc.acc).toFixed(1)}%   test accuracy: ${(100 * testAcc.acc).toFixed(1)}%`);
  console.log(`share of exactly-zero class probabilities on the test set: ${(100 * testAcc.zeros).toFixed(1)}%`);
  console.log(`learned caps u: [${Array.from(layer.getWeights()[0]!.dataSync()).map((v) => v.toFixed(3)).join(', ')}]`);
  tf.dispose([train.x, train.y, test.x, test.y]);
}

await main();
