import * as tf from '@tensorflow/tfjs';
import { ProgressBar } from '../common/progress.js';
import { SeededRandom } from '../common/random.js';

/** A batched model of normalized dynamics m(z) on float32 tensors [batch, d]. */
export type NormalizedModel = (z: tf.Tensor2D) => tf.Tensor2D;

/** Options of `trainModel`. */
export interface TrainOptions {
  readonly epochs: number;
  readonly batchSize: number;
  /** Adam learning rate at the start; decays by cosine to 5% of it at the end. */
  readonly learningRate: number;
  readonly seed: number;
  /** Progress bar label. */
  readonly label: string;
}

/**
 * Fits m(z) ~ target by mean squared error with Adam over shuffled
 * mini-batches, with a cosine learning-rate decay; returns the last epoch's
 * mean training loss. Shows a progress bar with the running loss.
 */
export async function trainModel(vars: tf.Variable[], model: NormalizedModel, z: tf.Tensor2D, target: tf.Tensor2D, options: TrainOptions): Promise<number> {
  const { epochs, batchSize, learningRate, seed, label } = options;
  const optimizer = tf.train.adam(learningRate);
  const count = z.shape[0];
  const bar = new ProgressBar(epochs, label);
  const rand = new SeededRandom(seed);
  const order = Array.from({ length: count }, (_, i) => i);
  let last = NaN;
  for (let epoch = 0; epoch < epochs; epoch++) {
    // tfjs reads the (protected) rate on every step, so a schedule may set it.
    (optimizer as unknown as { learningRate: number }).learningRate = learningRate * (0.05 + 0.95 * 0.5 * (1 + Math.cos((Math.PI * epoch) / epochs)));
    for (let i = count - 1; i > 0; i--) {
      const k = Math.floor(rand.uniform() * (i + 1));
      [order[i], order[k]] = [order[k]!, order[i]!];
    }
    const losses: tf.Scalar[] = [];
    for (let start = 0; start < count; start += batchSize) {
      const idx = tf.tensor1d(order.slice(start, start + batchSize), 'int32');
      const weight = idx.shape[0] / count;
      const loss = optimizer.minimize(() => tf.tidy(() => tf.mean(tf.square(tf.sub(model(tf.gather(z, idx)), tf.gather(target, idx))))) as tf.Scalar, true, vars)!;
      losses.push(tf.mul(loss, weight) as tf.Scalar);
      tf.dispose([idx, loss]);
    }
    // One read per epoch: the batches run without waiting for the host.
    const total = tf.addN(losses);
    last = total.dataSync()[0]!;
    tf.dispose([total, ...losses]);
    bar.update(epoch + 1, `mse ${last.toFixed(4)}`);
    await tf.nextFrame();
  }
  optimizer.dispose();
  return last;
}
