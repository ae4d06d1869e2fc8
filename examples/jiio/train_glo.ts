/**
 * Brief decoder training by generative latent optimization (GLO; Bojanowski
 * et al. 2018): one free latent code per training image, learned jointly with
 * the decoder by Adam through the DEQ layer's own implicit backward pass.
 * Held-out images get no code: finding theirs is the input optimization the
 * example then times.
 */
import * as tf from '@tensorflow/tfjs';
import { ProgressBar } from '../common/progress.js';
import { SeededRandom } from '../common/random.js';
import type { Decoder } from './decoder.js';

export interface TrainOptions {
  readonly epochs: number;
  readonly batch: number;
  readonly lr: number;
  readonly lambda: number;
  readonly latent: number;
  readonly seed: number;
}

export interface TrainReport {
  /** Mean objective per epoch (reconstruction + code prior), per image. */
  readonly epochLosses: number[];
  readonly seconds: number;
  readonly steps: number;
  /** tf.memory().numTensors before and after training (equal: the loop leaks nothing). */
  readonly tensorsBefore: number;
  readonly tensorsAfter: number;
}

export function trainGlo(decoder: Decoder, images: tf.Tensor2D, o: TrainOptions): TrainReport {
  const tensorsBefore = tf.memory().numTensors;
  const n = images.shape[0];
  const rng = new SeededRandom(o.seed + 17);
  const codes = tf.variable(tf.tensor2d(Float32Array.from({ length: n * o.latent }, () => 0.1 * rng.normal()), [n, o.latent]), true, `jiio_glo_codes_${o.seed}`);
  const weights = [...decoder.layer.trainableWeights.map((w) => w.read() as tf.Variable), ...decoder.readout, codes];
  const optimizer = tf.train.adam(o.lr);
  const stepsPerEpoch = Math.ceil(n / o.batch);
  const bar = new ProgressBar(o.epochs * stepsPerEpoch, 'train decoder (GLO)');
  const epochLosses: number[] = [];
  const t0 = performance.now();
  let step = 0;
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    const order = shuffled(n, rng);
    let sum = 0;
    for (let b = 0; b < stepsPerEpoch; b++) {
      const rows = Array.from(order.slice(b * o.batch, Math.min(n, (b + 1) * o.batch)));
      const idx = tf.tensor1d(rows, 'int32');
      const targets = tf.gather(images, idx) as tf.Tensor2D;
      const objective = decoder.objective(targets, o.lambda);
      // Row selection as a one-hot product: the wasm backend has no gradient kernel for gather.
      const select = tf.tidy(() => tf.cast(tf.oneHot(idx, n), 'float32')) as tf.Tensor2D;
      const cost = optimizer.minimize(
        () => {
          const x = tf.matMul(select, codes) as tf.Tensor2D;
          return tf.mean(objective(decoder.layer.apply(x) as tf.Tensor2D, x)) as tf.Scalar;
        },
        true,
        weights,
      );
      const value = cost!.dataSync()[0]!;
      sum += value * rows.length;
      tf.dispose([cost!, idx, targets, select]);
      bar.update(++step, `epoch ${epoch + 1} loss ${value.toFixed(3)}`);
    }
    epochLosses.push(sum / n);
  }
  optimizer.dispose();
  codes.dispose();
  return { epochLosses, seconds: (performance.now() - t0) / 1000, steps: step, tensorsBefore, tensorsAfter: tf.memory().numTensors };
}

/** A seeded Fisher-Yates permutation of 0..n-1 (tfjs's own shuffle is not seedable). */
function shuffled(n: number, rng: SeededRandom): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}
