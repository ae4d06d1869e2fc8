/**
 * IBP section of the certified-robustness example: an IBP-trained IBP-MonDEQ
 * (Wei & Kolter, ICLR 2022) against an IBP-trained explicit ReLU network of
 * about the same parameter count (Gowal et al., 2019), at l_inf epsilon 0.1 on
 * MNIST pixels in [0, 1].
 *
 * Training: Adam; epsilon ramps 0 -> epsilon and kappa 1 -> 0.5 after a clean
 * warm-up (`ibpSchedule`); loss kappa CE(clean) + (1 - kappa) CE(worst-case
 * margins). The epoch kept is the one with the lowest certified error on
 * data.val (ties: lower clean error); data.test is used once, for the figures.
 * Reported on data.test: clean error, PGD error (clean mistakes or a PGD
 * iterate misclassified) and IBP-certified error (float64 certificate; for the
 * monDEQ the solver's interval iterate is widened by a rigorous error bound).
 */
import * as tf from '@tensorflow/tfjs';
import { ibpSchedule, linfBox, mixedIbpLoss, pgdAttack, rejectUnknownKeys, ValueError } from 'optlayers';
import { mulberry32 } from '../common/random.js';
import { stageProgressBars } from '../common/progress.js';
import type { CertifiedData, CertifiedSplit } from './data.js';
import { explicitModel, ibpMonDeqModel, parameterCount, type Box64, type IbpTrainableModel } from './ibp_models.js';

/** Options of `runIbpSection` (all optional). */
export interface IbpSectionOptions {
  /** l_inf radius certified and attacked (train epsilon ramps up to it). Default 0.1. */
  epsilon?: number;
  /** Training epochs per model (upper limit, see `maxTrainSeconds`). Default 20. */
  epochs?: number;
  /**
   * Wall-clock budget of one model's training: no new epoch starts when the
   * elapsed time plus the last epoch's time would pass it (the result says how
   * many epochs ran and whether the epsilon ramp completed). Default 150 s, so
   * the section (two models plus evaluation) stays within about 6 minutes.
   */
  maxTrainSeconds?: number;
  /** Mini-batch size. Default 50. */
  batchSize?: number;
  /** Adam learning rate. Default 2e-3. */
  learningRate?: number;
  /** IBP-MonDEQ width. Default 64 (about 55k parameters with U and the head). */
  units?: number;
  /** IBP-MonDEQ monotonicity m in (0, 1). Default 0.5. */
  monotonicity?: number;
  /** Hidden widths of the explicit network. Default [64, 64] (about 55k parameters). */
  hidden?: number[];
  /** Fraction of the training steps that are clean warm-up, and that ramp epsilon / kappa. Defaults 0.1 and 0.5. */
  warmupFraction?: number;
  rampFraction?: number;
  /** PGD steps (step size epsilon / 4, random start). Default 20. */
  pgdSteps?: number;
  /** Seed of the shuffles, initialization and PGD start. Default 1. */
  seed?: number;
}

const OPTION_KEYS = ['epsilon', 'epochs', 'maxTrainSeconds', 'batchSize', 'learningRate', 'units', 'monotonicity', 'hidden', 'warmupFraction', 'rampFraction', 'pgdSteps', 'seed'];

type Resolved = Required<IbpSectionOptions>;

function resolve(o: IbpSectionOptions): Resolved {
  rejectUnknownKeys(o, OPTION_KEYS, 'IBP section option');
  const r: Resolved = {
    epsilon: o.epsilon ?? 0.1,
    epochs: o.epochs ?? 20,
    maxTrainSeconds: o.maxTrainSeconds ?? 150,
    batchSize: o.batchSize ?? 50,
    learningRate: o.learningRate ?? 2e-3,
    units: o.units ?? 64,
    monotonicity: o.monotonicity ?? 0.5,
    hidden: o.hidden ?? [64, 64],
    warmupFraction: o.warmupFraction ?? 0.1,
    rampFraction: o.rampFraction ?? 0.5,
    pgdSteps: o.pgdSteps ?? 20,
    seed: o.seed ?? 1,
  };
  if (!(r.epsilon > 0 && r.epsilon < 1)) throw new ValueError(`IBP section: epsilon must be in (0, 1), got ${r.epsilon}`);
  for (const k of ['epochs', 'batchSize', 'units', 'pgdSteps'] as const) {
    if (!(Number.isInteger(r[k]) && r[k] >= 1)) throw new ValueError(`IBP section: ${k} must be a positive integer, got ${r[k]}`);
  }
  if (!(r.maxTrainSeconds > 0)) throw new ValueError(`IBP section: maxTrainSeconds must be > 0, got ${r.maxTrainSeconds}`);
  if (!(r.warmupFraction >= 0 && r.rampFraction >= 0 && r.warmupFraction + r.rampFraction <= 1)) {
    throw new ValueError(`IBP section: warmupFraction + rampFraction must lie in [0, 1], got ${r.warmupFraction} + ${r.rampFraction}`);
  }
  return r;
}

/** One progress report: `stage` names the model and phase. */
export interface IbpProgressEvent {
  readonly stage: string;
  readonly done: number;
  readonly total: number;
  readonly detail: string;
}

/** Receives progress; by default a `ProgressBar` per stage. */
export type IbpProgress = (event: IbpProgressEvent) => void;

/** Figures of one model. Errors are fractions of data.test. */
export interface IbpModelResult {
  readonly name: string;
  readonly parameters: number;
  readonly cleanError: number;
  readonly pgdError: number;
  readonly certifiedError: number;
  /** The epoch (1-based) chosen on data.val, and its val certified / clean errors. */
  readonly selectedEpoch: number;
  readonly valCertifiedError: number;
  readonly valCleanError: number;
  /** Epochs trained (fewer than asked when `maxTrainSeconds` ran out) and whether epsilon reached its target. */
  readonly epochsRun: number;
  readonly rampCompleted: boolean;
  /** Largest residual of the interval solve on data.test before widening (monDEQ; 0 for explicit). */
  readonly maxIntervalResidual: number;
  readonly trainSeconds: number;
  readonly evalSeconds: number;
}

/** Result of `runIbpSection`. */
export interface IbpSectionResult {
  readonly epsilon: number;
  readonly options: Resolved;
  readonly sizes: { readonly train: number; readonly val: number; readonly test: number };
  readonly monDeq: IbpModelResult;
  readonly explicit: IbpModelResult;
}

function batchOf(split: CertifiedSplit, indices: ArrayLike<number>, inputSize: number): { x: tf.Tensor2D; y: tf.Tensor1D; labels: Int32Array } {
  const x = new Float32Array(indices.length * inputSize);
  const labels = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const k = indices[i]!;
    x.set(split.x.subarray(k * inputSize, (k + 1) * inputSize), i * inputSize);
    labels[i] = split.y[k]!;
  }
  return { x: tf.tensor2d(x, [indices.length, inputSize]), y: tf.tensor1d(labels, 'int32'), labels };
}

function range(start: number, end: number): number[] {
  return Array.from({ length: end - start }, (_, i) => start + i);
}

/** The l_inf ball around x clipped to the pixel range [0, 1], in float64 (no float32 rounding of x +- eps). */
function box64(x: ArrayLike<number>, epsilon: number): Box64 {
  const lo = new Float64Array(x.length);
  const hi = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    lo[i] = Math.min(1, Math.max(0, x[i]! - epsilon));
    hi[i] = Math.min(1, Math.max(0, x[i]! + epsilon));
  }
  return { lo, hi };
}

/** Clean and certified error counts on a split, in chunks. */
function evaluate(
  t: IbpTrainableModel,
  split: CertifiedSplit,
  inputSize: number,
  epsilon: number,
  chunk: number,
): { clean: number; certified: number; residual: number; flags: Uint8Array } {
  const flags = new Uint8Array(split.n);
  let cleanWrong = 0;
  let notCertified = 0;
  let residual = 0;
  for (let start = 0; start < split.n; start += chunk) {
    const b = batchOf(split, range(start, Math.min(split.n, start + chunk)), inputSize);
    const predicted = tf.tidy(() => tf.argMax(t.model.predict(b.x) as tf.Tensor2D, 1).dataSync());
    for (let i = 0; i < b.labels.length; i++) if (predicted[i] !== b.labels[i]) cleanWrong++;
    const cert = t.certify(box64(b.x.dataSync(), epsilon), b.labels);
    cert.certified.forEach((c, i) => {
      flags[start + i] = c;
      if (c === 0) notCertified++;
    });
    residual = Math.max(residual, cert.residual);
    tf.dispose([b.x, b.y]);
  }
  return { clean: cleanWrong / split.n, certified: notCertified / split.n, residual, flags };
}

/**
 * PGD error on a split. A certified sample that PGD fools would mean a wrong
 * certificate, so it throws instead of reporting figures.
 */
function pgdError(t: IbpTrainableModel, split: CertifiedSplit, inputSize: number, o: Resolved, chunk: number, certified: Uint8Array, report: (done: number) => void): number {
  let wrong = 0;
  for (let start = 0; start < split.n; start += chunk) {
    const b = batchOf(split, range(start, Math.min(split.n, start + chunk)), inputSize);
    const predicted = tf.tidy(() => tf.argMax(t.model.predict(b.x) as tf.Tensor2D, 1).dataSync());
    const attack = pgdAttack(t.model, b.x, b.y, o.epsilon, { steps: o.pgdSteps, stepSize: o.epsilon / 4, inputBox: [0, 1], randomStart: true, seed: o.seed + start });
    for (let i = 0; i < b.labels.length; i++) {
      if (predicted[i] !== b.labels[i] || attack.fooled[i]) {
        wrong++;
        if (certified[start + i] === 1) throw new Error(`IBP section: ${t.name} test sample ${start + i} is certified at epsilon ${o.epsilon} yet misclassified clean or under PGD (certificate bug)`);
      }
    }
    tf.dispose([b.x, b.y, attack.adversarial]);
    report(Math.min(split.n, start + chunk));
  }
  return wrong / split.n;
}

function trainAndReport(t: IbpTrainableModel, data: CertifiedData, o: Resolved, progress: IbpProgress): IbpModelResult {
  const inputSize = data.inputSize;
  const stepsPerEpoch = Math.ceil(data.train.n / o.batchSize);
  const totalSteps = o.epochs * stepsPerEpoch;
  const schedule = { epsilon: o.epsilon, warmupSteps: Math.round(o.warmupFraction * totalSteps), rampSteps: Math.round(o.rampFraction * totalSteps), kappaFinal: 0.5 };
  const optimizer = tf.train.adam(o.learningRate);
  const next = mulberry32(o.seed);
  const order = range(0, data.train.n);
  let best: { epoch: number; certified: number; clean: number; weights: tf.Tensor[] } | undefined;
  const started = performance.now();
  let step = 0;
  let epochsRun = 0;
  let lastEpochSeconds = 0;
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    const elapsed = (performance.now() - started) / 1000;
    if (epoch > 1 && elapsed + lastEpochSeconds > o.maxTrainSeconds) break;
    const epochStart = performance.now();
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    let lossSum = 0;
    for (let s = 0; s < stepsPerEpoch; s++, step++) {
      const b = batchOf(data.train, order.slice(s * o.batchSize, (s + 1) * o.batchSize), inputSize);
      const { epsilon, kappa } = ibpSchedule(step, schedule);
      const { value, grads } = tf.variableGrads(() => {
        const logits = t.model.apply(b.x, { training: true }) as tf.Tensor2D;
        if (epsilon === 0 || kappa === 1) return mixedIbpLoss(logits, logits, b.y, 1);
        const box = linfBox(b.x, epsilon, { min: 0, max: 1 });
        return mixedIbpLoss(logits, t.marginLower(box, b.y), b.y, kappa);
      });
      optimizer.applyGradients(grads as tf.NamedTensorMap as Record<string, tf.Variable>);
      lossSum += value.dataSync()[0]!;
      tf.dispose([value, ...Object.values(grads), b.x, b.y]);
      progress({
        stage: `${t.name} epoch ${epoch}/${o.epochs}`,
        done: s + 1,
        total: stepsPerEpoch,
        detail: `loss ${(lossSum / (s + 1)).toFixed(3)} eps ${epsilon.toFixed(3)} kappa ${kappa.toFixed(2)} iters ${t.lastIterations()}`,
      });
    }
    // Model selection on the validation split only.
    const val = evaluate(t, data.val, inputSize, o.epsilon, 250);
    progress({ stage: `${t.name} val`, done: epoch, total: o.epochs, detail: `epoch ${epoch}: val clean ${(100 * val.clean).toFixed(1)}% certified ${(100 * val.certified).toFixed(1)}%` });
    if (best === undefined || val.certified < best.certified || (val.certified === best.certified && val.clean < best.clean)) {
      if (best) tf.dispose(best.weights);
      best = { epoch, certified: val.certified, clean: val.clean, weights: t.model.getWeights().map((w) => w.clone()) };
    }
    epochsRun = epoch;
    lastEpochSeconds = (performance.now() - epochStart) / 1000;
  }
  const trainSeconds = (performance.now() - started) / 1000;
  t.model.setWeights(best!.weights);
  tf.dispose(best!.weights);
  optimizer.dispose();

  const evalStart = performance.now();
  const test = evaluate(t, data.test, inputSize, o.epsilon, 250);
  const pgd = pgdError(t, data.test, inputSize, o, 250, test.flags, (done) => progress({ stage: `${t.name} pgd`, done, total: data.test.n, detail: '' }));
  return {
    name: t.name,
    parameters: parameterCount(t.model),
    cleanError: test.clean,
    pgdError: pgd,
    certifiedError: test.certified,
    selectedEpoch: best!.epoch,
    valCertifiedError: best!.certified,
    valCleanError: best!.clean,
    epochsRun,
    rampCompleted: step >= schedule.warmupSteps + schedule.rampSteps,
    maxIntervalResidual: test.residual,
    trainSeconds,
    evalSeconds: (performance.now() - evalStart) / 1000,
  };
}

/**
 * Trains and evaluates both models (see the file comment); returns their
 * figures on data.test. The explicit network trains for as many epochs as the
 * monDEQ did, so a time budget that cuts the (slower) monDEQ short does not
 * favour the explicit one. The models are disposed before returning.
 */
export async function runIbpSection(data: CertifiedData, options: IbpSectionOptions = {}, progress?: IbpProgress): Promise<IbpSectionResult> {
  const o = resolve(options);
  const report = progress ?? stageProgressBars();
  const run = (t: IbpTrainableModel, options: Resolved): IbpModelResult => {
    try {
      return trainAndReport(t, data, options, report);
    } finally {
      t.model.dispose();
    }
  };
  const monDeq = run(ibpMonDeqModel(data.inputSize, data.classes, o.units, o.monotonicity), o);
  await new Promise((r) => setTimeout(r, 0));
  // Same number of epochs (and so the same schedule) for the explicit twin when the budget cut the monDEQ short.
  const explicit = run(explicitModel(data.inputSize, data.classes, o.hidden), { ...o, epochs: monDeq.epochsRun });
  return { epsilon: o.epsilon, options: o, sizes: { train: data.train.n, val: data.val.n, test: data.test.n }, monDeq, explicit };
}
