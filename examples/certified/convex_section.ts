/**
 * Convex-outer-polytope section of the certified-robustness example (Wong &
 * Kolter, ICML 2018): a dense ReLU network — or with `conv`, the paper's
 * small conv net (conv 4x4 stride 2 'same' twice, then dense) on the 28x28x1
 * images — trained on the robust loss CE(−J_ε) at ℓ∞ ε = 0.1 on MNIST
 * pixels in [0, 1], against a normally trained twin of the same architecture.
 *
 * Training: Adam, batch 50. The robust model's ε ramps linearly from
 * ε/100 to ε over the first `rampFraction` of the planned steps, then stays
 * (the paper's warm-up); the plan is the epochs that fit `maxTrainSeconds`. The epoch kept is the one with the lowest certified
 * error on data.val at the target ε (the twin: lowest val clean error);
 * data.test is used once, for the figures. Reported on data.test: clean
 * error, PGD error (a clean mistake or a misclassified PGD iterate) and the
 * certified error bound (float64 dual network; an example counts as
 * certified only if every margin bound is > 0).
 */
import * as tf from '@tensorflow/tfjs';
import { certify, pgdAttack, rejectUnknownKeys, robustLoss, ValueError } from 'optlayers';
import { mulberry32 } from '../common/random.js';
import type { CertifiedData, CertifiedSplit } from './data.js';

/** Options of `runConvexSection` (all optional). */
export interface ConvexSectionOptions {
  /** ℓ∞ radius trained for, attacked and certified. Default 0.1. */
  epsilon?: number;
  /** Hidden widths of the dense ReLU layers (after the convs with `conv`). Default [64, 64]; [100] with `conv` (the paper's). */
  hidden?: number[];
  /** Start with two conv2d layers (4x4, stride 2, 'same', ReLU) on the 28x28x1 image. Default false. */
  conv?: boolean;
  /** Filters of the two conv layers with `conv`. Default [16, 32] (the paper's). */
  convFilters?: number[];
  /** Planned epochs, at most (the ε ramp is laid out over the epochs that fit `maxTrainSeconds`). Default 10. */
  epochs?: number;
  /** No new robust epoch starts once elapsed + last epoch time would pass this. Default 300 s. */
  maxTrainSeconds?: number;
  /** Mini-batch size. Default 50 (the paper's). */
  batchSize?: number;
  /** Adam learning rate. Default 1e-3 (the paper's). */
  learningRate?: number;
  /** Fraction of the planned steps over which ε ramps up. Default 0.5. */
  rampFraction?: number;
  /** PGD steps and step size. Defaults 40 and 0.01. */
  pgdSteps?: number;
  pgdStepSize?: number;
  /** Seed of initialization, shuffles and the PGD random start. Default 1. */
  seed?: number;
}

const OPTION_KEYS = ['epsilon', 'hidden', 'conv', 'convFilters', 'epochs', 'maxTrainSeconds', 'batchSize', 'learningRate', 'rampFraction', 'pgdSteps', 'pgdStepSize', 'seed'];

type Resolved = Required<ConvexSectionOptions>;

function resolve(o: ConvexSectionOptions): Resolved {
  rejectUnknownKeys(o, OPTION_KEYS, 'convex section option');
  const r: Resolved = {
    epsilon: o.epsilon ?? 0.1,
    hidden: o.hidden ?? (o.conv ? [100] : [64, 64]),
    conv: o.conv ?? false,
    convFilters: o.convFilters ?? [16, 32],
    epochs: o.epochs ?? 10,
    maxTrainSeconds: o.maxTrainSeconds ?? 300,
    batchSize: o.batchSize ?? 50,
    learningRate: o.learningRate ?? 1e-3,
    rampFraction: o.rampFraction ?? 0.5,
    pgdSteps: o.pgdSteps ?? 40,
    pgdStepSize: o.pgdStepSize ?? 0.01,
    seed: o.seed ?? 1,
  };
  if (!(r.epsilon > 0 && r.epsilon < 1)) throw new ValueError(`convex section: epsilon must be in (0, 1), got ${r.epsilon}`);
  for (const k of ['epochs', 'batchSize', 'pgdSteps'] as const) {
    if (!(Number.isInteger(r[k]) && r[k] >= 1)) throw new ValueError(`convex section: ${k} must be a positive integer, got ${r[k]}`);
  }
  if (r.hidden.length === 0 || !r.hidden.every((h) => Number.isInteger(h) && h >= 1)) throw new ValueError(`convex section: hidden must be positive integers, got [${r.hidden.join(', ')}]`);
  if (r.convFilters.length !== 2 || !r.convFilters.every((f) => Number.isInteger(f) && f >= 1)) throw new ValueError(`convex section: convFilters must be two positive integers, got [${r.convFilters.join(', ')}]`);
  if (!(r.rampFraction > 0 && r.rampFraction <= 1)) throw new ValueError(`convex section: rampFraction must be in (0, 1], got ${r.rampFraction}`);
  if (!(r.maxTrainSeconds > 0)) throw new ValueError(`convex section: maxTrainSeconds must be > 0, got ${r.maxTrainSeconds}`);
  return r;
}

/** One progress report: `stage` names the model and phase. */
export interface ConvexProgressEvent {
  readonly stage: string;
  readonly done: number;
  readonly total: number;
  readonly detail: string;
}

export type ConvexProgress = (event: ConvexProgressEvent) => void;

/** Per-epoch training record (for the curves). */
export interface EpochRecord {
  readonly epoch: number;
  readonly trainLoss: number;
  readonly epsilon: number;
  readonly valCleanError: number;
  /** Certified error on val at the target ε (float32 route, selection only); null for the normal twin (not measured). */
  readonly valCertifiedError: number | null;
  readonly seconds: number;
}

/** Figures of one model; errors are fractions of data.test. */
export interface ConvexModelResult {
  readonly name: string;
  readonly parameters: number;
  readonly cleanError: number;
  readonly pgdError: number;
  readonly certifiedError: number;
  /** Test examples certified yet misclassified clean or by PGD: 0 unless a bound is wrong. */
  readonly certifiedButMisclassified: number;
  readonly selectedEpoch: number;
  readonly epochsRun: number;
  readonly rampCompleted: boolean;
  readonly history: readonly EpochRecord[];
  readonly trainSeconds: number;
  readonly evalSeconds: number;
}

/** Result of `runConvexSection`. */
export interface ConvexSectionResult {
  readonly epsilon: number;
  readonly options: Resolved;
  readonly sizes: { readonly train: number; readonly val: number; readonly test: number };
  readonly architecture: string;
  readonly robust: ConvexModelResult;
  readonly normal: ConvexModelResult;
}

/** MNIST digits as images for the conv net. */
const IMAGE_SHAPE = [28, 28, 1];

/** The shape one example is fed in: flat for the dense net, [28, 28, 1] for the conv net. */
function exampleShape(o: Resolved, inputSize: number): number[] {
  if (!o.conv) return [inputSize];
  if (inputSize !== 28 * 28) throw new ValueError(`convex section: conv expects 28x28 MNIST images, got inputSize ${inputSize}`);
  return IMAGE_SHAPE;
}

function buildModel(inputShape: readonly number[], o: Resolved, classes: number, seed: number): tf.Sequential {
  const model = tf.sequential();
  const { hidden } = o;
  if (o.conv) {
    o.convFilters.forEach((filters, i) =>
      model.add(
        tf.layers.conv2d({
          filters,
          kernelSize: 4,
          strides: 2,
          padding: 'same',
          activation: 'relu',
          ...(i === 0 ? { inputShape: [...inputShape] } : {}),
          kernelInitializer: tf.initializers.glorotUniform({ seed: seed * 101 + 50 + i }),
        }),
      ),
    );
    model.add(tf.layers.flatten());
  }
  hidden.forEach((units, i) =>
    model.add(tf.layers.dense({ units, activation: 'relu', ...(i === 0 && !o.conv ? { inputShape: [...inputShape] } : {}), kernelInitializer: tf.initializers.glorotUniform({ seed: seed * 101 + i }) })),
  );
  model.add(tf.layers.dense({ units: classes, kernelInitializer: tf.initializers.glorotUniform({ seed: seed * 101 + hidden.length }) }));
  return model;
}

function rows(split: CertifiedSplit, indices: ArrayLike<number>, shape: readonly number[]): { x: tf.Tensor; labels: Int32Array } {
  const inputSize = shape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(indices.length * inputSize);
  const labels = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    x.set(split.x.subarray(indices[i]! * inputSize, (indices[i]! + 1) * inputSize), i * inputSize);
    labels[i] = split.y[indices[i]!]!;
  }
  return { x: tf.tensor(x, [indices.length, ...shape]), labels };
}

function range(start: number, end: number): number[] {
  return Array.from({ length: end - start }, (_, i) => start + i);
}

interface SplitErrors {
  clean: number;
  certified: number;
  pgd: number;
  /** Examples both certified and misclassified (clean or by PGD): a wrong bound would show here. */
  contradictions: number;
}

/** Clean / certified (and optionally PGD) error on a split, in chunks. */
function evaluate(model: tf.Sequential, split: CertifiedSplit, shape: readonly number[], o: Resolved, what: { pgd: boolean; precision: 'float64' | 'float32' | null }, onChunk?: (done: number) => void): SplitErrors {
  let cleanWrong = 0;
  let notCertified = 0;
  let pgdWrong = 0;
  let contradictions = 0;
  const chunk = 100;
  for (let start = 0; start < split.n; start += chunk) {
    const b = rows(split, range(start, Math.min(split.n, start + chunk)), shape);
    const predicted = tf.tidy(() => tf.argMax(model.predict(b.x) as tf.Tensor, 1).dataSync());
    const certified = what.precision ? certify(model, b.x, o.epsilon, { labels: b.labels, inputBox: [0, 1], precision: what.precision }).certified : [];
    let attack: boolean[] = [];
    if (what.pgd) {
      const result = pgdAttack(model, b.x, b.labels, o.epsilon, { steps: o.pgdSteps, stepSize: o.pgdStepSize, inputBox: [0, 1], randomStart: true, seed: o.seed + start });
      attack = result.fooled;
      result.adversarial.dispose();
    }
    for (let i = 0; i < b.labels.length; i++) {
      const wrong = predicted[i] !== b.labels[i];
      if (wrong) cleanWrong++;
      if (!certified[i]) notCertified++;
      if (what.pgd && (wrong || attack[i])) pgdWrong++;
      // A certified example can be neither a clean mistake nor fooled by PGD: count it rather than trust it (must stay 0).
      if (certified[i] && (wrong || attack[i])) contradictions++;
    }
    b.x.dispose();
    onChunk?.(Math.min(split.n, start + chunk));
  }
  return { clean: cleanWrong / split.n, certified: what.precision ? notCertified / split.n : Number.NaN, pgd: what.pgd ? pgdWrong / split.n : Number.NaN, contradictions };
}

async function train(kind: 'robust' | 'normal', data: CertifiedData, o: Resolved, epochLimit: number, progress: ConvexProgress): Promise<{ model: tf.Sequential; history: EpochRecord[]; selectedEpoch: number; rampCompleted: boolean; seconds: number }> {
  const shape = exampleShape(o, data.inputSize);
  const model = buildModel(shape, o, data.classes, o.seed);
  const optimizer = tf.train.adam(o.learningRate);
  const stepsPerEpoch = Math.ceil(data.train.n / o.batchSize);
  // ε ramps linearly from ε/100 to ε by step `rampEnd` = rampFraction of the planned steps. The plan is
  // revised once the first epoch's time is known (fewer epochs fit the budget on a loaded machine); the
  // ramp then continues linearly from the current ε, so the schedule stays continuous.
  let rampEnd = Math.max(1, Math.round(o.rampFraction * o.epochs * stepsPerEpoch));
  let eps = o.epsilon / 100;
  const shuffleRng = mulberry32(o.seed * 7 + (kind === 'robust' ? 1 : 2));
  const history: EpochRecord[] = [];
  let best: { epoch: number; score: [number, number]; weights: tf.Tensor[] } | null = null;
  let step = 0;
  const started = performance.now();
  let lastEpochSeconds = 0;
  for (let epoch = 1; epoch <= epochLimit; epoch++) {
    const elapsed = (performance.now() - started) / 1000;
    if (kind === 'robust' && epoch > 1 && elapsed + lastEpochSeconds > o.maxTrainSeconds) break;
    const epochStart = performance.now();
    const order = range(0, data.train.n);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(shuffleRng() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    let lossSum = 0;
    for (let s = 0; s < stepsPerEpoch; s++) {
      const b = rows(data.train, order.slice(s * o.batchSize, (s + 1) * o.batchSize), shape);
      if (step > 0) eps = step >= rampEnd ? o.epsilon : eps + (o.epsilon - eps) / (rampEnd - step + 1);
      const loss = optimizer.minimize(() => {
        if (kind === 'robust') return robustLoss(model, b.x, b.labels, eps, { inputBox: [0, 1] });
        // tfjs's conv2d filter gradient needs a kernel the wasm backend lacks; robustLoss at ε = 0 is the
        // clean cross-entropy with the same gradient (test/src/robust/robust_loss.test.ts) and differentiates its own conv.
        if (o.conv) return robustLoss(model, b.x, b.labels, 0);
        const oneHot = tf.oneHot(tf.tensor1d(b.labels, 'int32'), data.classes);
        return tf.losses.softmaxCrossEntropy(oneHot, model.apply(b.x) as tf.Tensor) as tf.Scalar;
      }, true)!;
      lossSum += loss.dataSync()[0]!;
      tf.dispose([loss, b.x]);
      step++;
      progress({ stage: `${kind} epoch ${epoch}`, done: s + 1, total: stepsPerEpoch, detail: `loss ${(lossSum / (s + 1)).toFixed(3)}${kind === 'robust' ? ` eps ${eps.toFixed(3)}` : ''}` });
    }
    // The twin is selected on clean error; its certified error (≈ 100%) is measured on test only.
    const val = evaluate(model, data.val, shape, o, { pgd: false, precision: kind === 'robust' ? 'float32' : null });
    lastEpochSeconds = (performance.now() - epochStart) / 1000;
    if (kind === 'robust' && epoch === 1) {
      const plannedEpochs = Math.max(1, Math.min(o.epochs, Math.floor(o.maxTrainSeconds / lastEpochSeconds)));
      rampEnd = Math.max(step + 1, Math.round(o.rampFraction * plannedEpochs * stepsPerEpoch));
    }
    history.push({ epoch, trainLoss: lossSum / stepsPerEpoch, epsilon: kind === 'robust' ? eps : 0, valCleanError: val.clean, valCertifiedError: kind === 'robust' ? val.certified : null, seconds: lastEpochSeconds });
    // Selection on val only: robust by certified error at the target ε (then clean), normal by clean error.
    const score: [number, number] = kind === 'robust' ? [val.certified, val.clean] : [val.clean, val.certified];
    if (best === null || score[0] < best.score[0] || (score[0] === best.score[0] && score[1] < best.score[1])) {
      if (best) tf.dispose(best.weights);
      best = { epoch, score, weights: model.getWeights().map((w) => w.clone()) };
    }
  }
  model.setWeights(best!.weights);
  tf.dispose(best!.weights);
  optimizer.dispose();
  return { model, history, selectedEpoch: best!.epoch, rampCompleted: step >= rampEnd, seconds: (performance.now() - started) / 1000 };
}

/**
 * Trains the robust model and its normally trained twin on `data.train`,
 * selects each one's epoch on `data.val`, and reports clean, PGD and
 * certified error on `data.test`.
 */
export async function runConvexSection(data: CertifiedData, options: ConvexSectionOptions, progress: ConvexProgress): Promise<ConvexSectionResult> {
  const o = resolve(options);
  const results: Record<'robust' | 'normal', ConvexModelResult> = {} as Record<'robust' | 'normal', ConvexModelResult>;
  for (const kind of ['robust', 'normal'] as const) {
    // The twin trains for as many epochs as the robust model ran (its time budget may stop it early).
    const trained = await train(kind, data, o, kind === 'robust' ? o.epochs : results.robust.epochsRun, progress);
    const evalStart = performance.now();
    const test = evaluate(trained.model, data.test, exampleShape(o, data.inputSize), o, { pgd: true, precision: 'float64' }, (done) =>
      progress({ stage: `${kind} test evaluation`, done, total: data.test.n, detail: '' }),
    );
    results[kind] = {
      name: kind === 'robust' ? 'robust (LP dual network)' : 'normal (cross-entropy)',
      parameters: trained.model.countParams(),
      cleanError: test.clean,
      pgdError: test.pgd,
      certifiedError: test.certified,
      certifiedButMisclassified: test.contradictions,
      selectedEpoch: trained.selectedEpoch,
      epochsRun: trained.history.length,
      rampCompleted: kind === 'normal' || trained.rampCompleted,
      history: trained.history,
      trainSeconds: trained.seconds,
      evalSeconds: (performance.now() - evalStart) / 1000,
    };
    trained.model.dispose();
  }
  return {
    epsilon: o.epsilon,
    options: o,
    sizes: { train: data.train.n, val: data.val.n, test: data.test.n },
    architecture: o.conv
      ? `conv ${o.convFilters.map((f) => `${f}@4x4/2 same`).join(', ')}, dense ${[...o.hidden, data.classes].join('-')} (ReLU) on 28x28x1`
      : `dense ${[data.inputSize, ...o.hidden, data.classes].join('-')} (ReLU)`,
    robust: results.robust,
    normal: results.normal,
  };
}
