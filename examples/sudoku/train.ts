import * as tf from '@tensorflow/tfjs';
import { ProgressBar } from '../common/progress.js';
import type { Board } from './board.js';
import type { EncodedSet } from './encoding.js';
import { boardErrorRate } from './metric.js';
import type { Prng } from './prng.js';

/** One epoch's figures as printed and written to the results JSON. */
export interface EpochRecord {
  readonly epoch: number;
  /** Mean training loss over the epoch's batches (NaN for epoch 0, before training). */
  readonly trainLoss: number;
  /** Board error over the epoch's batches, measured on the fly while training (NaN for epoch 0). */
  readonly trainError: number;
  /** Loss and board error on the validation split (the test split is not looked at while training). */
  readonly validationLoss: number;
  readonly validationError: number;
  /** Wall-clock seconds of this epoch's training (0 for epoch 0). */
  readonly trainSeconds: number;
  /** Wall-clock seconds of the validation evaluation. */
  readonly evalSeconds: number;
  /** CPU seconds this process used for the epoch's training and evaluation (user + system, all threads). */
  readonly cpuSeconds: number;
  /** Learning rate used in this epoch (NaN for epoch 0). */
  readonly learningRate: number;
}

/** What `trainModel` returns: every epoch's figures and the epoch whose weights the model ends with. */
export interface TrainResult {
  readonly epochs: EpochRecord[];
  /** The epoch with the lowest validation error (ties: lowest validation loss, then earliest); 0 = untrained. */
  readonly bestEpoch: number;
}

/** Loss and exact board error rate (`boardErrorRate`) of `model` on `set`, predicting in batches of `batchSize`. */
export function evaluate(model: tf.LayersModel, set: EncodedSet, batchSize = 500): { loss: number; error: number } {
  const pred = model.predict(set.x, { batchSize }) as tf.Tensor;
  const loss = tf.tidy(() => tf.losses.meanSquaredError(set.y, pred).dataSync()[0]!);
  const error = boardErrorRate(pred.dataSync(), set.pairs.map((p): Board => p.puzzle));
  pred.dispose();
  return { loss, error };
}

/**
 * Sets the step size of a tfjs optimizer between steps. tfjs has no
 * learning-rate schedules; its SGD/Adam/RMSProp optimizers read the
 * `learningRate` field at every step, so assigning it is the way to decay it.
 */
export function setLearningRate(optimizer: tf.Optimizer, rate: number): void {
  const target = optimizer as unknown as { learningRate?: unknown };
  if (typeof target.learningRate !== 'number') throw new TypeError(`optimizer ${optimizer.getClassName()} has no numeric learningRate field`);
  target.learningRate = rate;
}

/** Options of `trainModel`. */
export interface TrainOptions {
  readonly epochs: number;
  readonly batchSize: number;
  readonly label: string;
  /** Shuffles the training set before each epoch (tfjs's own `fit` shuffle uses Math.random, so is not reproducible). */
  readonly rng: Prng;
  /** Learning rate per epoch (1-based); default: leave the compiled optimizer's rate alone. */
  readonly learningRate?: (epoch: number) => number;
  /** Called after each epoch (including epoch 0, the untrained model). */
  readonly onEpoch?: (record: EpochRecord) => void;
  /**
   * End with the weights of the epoch with the lowest validation error
   * (early stopping chosen on validation); default true. With false the
   * model keeps its last epoch's weights.
   */
  readonly keepBest?: boolean;
}

function better(a: EpochRecord, b: EpochRecord): boolean {
  return a.validationError < b.validationError || (a.validationError === b.validationError && a.validationLoss < b.validationLoss);
}

/**
 * Trains a compiled model with `model.fit`, one epoch at a time (batches
 * shuffled by `options.rng`), with a progress bar per epoch, and evaluates
 * the validation error before training and after every epoch. Unless
 * `keepBest` is false, the model ends with the weights of its best epoch on
 * validation.
 */
export async function trainModel(model: tf.LayersModel, train: EncodedSet, validation: EncodedSet, options: TrainOptions): Promise<TrainResult> {
  const records: EpochRecord[] = [];
  const keepBest = options.keepBest ?? true;
  let best: { record: EpochRecord; weights: tf.Tensor[] } | undefined;
  const record = (r: EpochRecord): void => {
    records.push(r);
    if (keepBest && (best === undefined || better(r, best.record))) {
      if (best !== undefined) tf.dispose(best.weights);
      best = { record: r, weights: model.getWeights().map((w) => w.clone()) };
    }
    options.onEpoch?.(r);
  };
  let t0 = performance.now();
  let cpu0 = process.cpuUsage();
  const cpuSeconds = (): number => {
    const used = process.cpuUsage(cpu0);
    cpu0 = process.cpuUsage();
    return (used.user + used.system) / 1e6;
  };
  const initial = evaluate(model, validation);
  record({
    epoch: 0, trainLoss: NaN, trainError: NaN, validationLoss: initial.loss, validationError: initial.error,
    trainSeconds: 0, evalSeconds: (performance.now() - t0) / 1000, cpuSeconds: cpuSeconds(), learningRate: NaN,
  });
  const batches = Math.ceil(train.pairs.length / options.batchSize);
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    const learningRate = options.learningRate?.(epoch) ?? NaN;
    if (options.learningRate) setLearningRate(model.optimizer, learningRate);
    const bar = new ProgressBar(batches, `${options.label} epoch ${epoch}/${options.epochs}`);
    let lossSum = 0;
    let errSum = 0;
    let seen = 0;
    t0 = performance.now();
    const order = tf.tensor1d(options.rng.shuffle(Array.from({ length: train.pairs.length }, (_, i) => i)), 'int32');
    const [xs, ys] = [tf.gather(train.x, order), tf.gather(train.y, order)];
    order.dispose();
    await model.fit(xs, ys, {
      batchSize: options.batchSize,
      epochs: 1,
      shuffle: false,
      verbose: 0,
      callbacks: {
        onBatchEnd: async (batch, logs) => {
          lossSum += logs?.['loss'] ?? NaN;
          errSum += logs?.['boardError'] ?? NaN;
          seen++;
          bar.update(batch + 1, `loss ${(lossSum / seen).toFixed(4)} err ${(errSum / seen).toFixed(4)}`);
        },
      },
    });
    tf.dispose([xs, ys]);
    const trainSeconds = (performance.now() - t0) / 1000;
    t0 = performance.now();
    const { loss, error } = evaluate(model, validation);
    record({
      epoch, trainLoss: lossSum / seen, trainError: errSum / seen, validationLoss: loss, validationError: error,
      trainSeconds, evalSeconds: (performance.now() - t0) / 1000, cpuSeconds: cpuSeconds(), learningRate,
    });
  }
  const last = records[records.length - 1]!;
  if (best === undefined) return { epochs: records, bestEpoch: last.epoch };
  model.setWeights(best.weights);
  tf.dispose(best.weights);
  return { epochs: records, bestEpoch: best.record.epoch };
}
