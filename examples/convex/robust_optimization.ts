/**
 * `npm run example:robust-optimization`: a learned uncertainty set
 * (decision-focused uncertainty sets, as in Wang, Becker, Van Parys & Stellato,
 * "Learning decision-focused uncertainty sets in robust optimization", 2023,
 * and the cvxpylayers examples). An allocation x over n assets maximizes the
 * nominal return r'x subject to a loss budget a'x <= b that must hold for every
 * loss vector a in the ellipsoid {a0 + P u : |u|_2 <= 1}; the robust
 * counterpart is the SOCP (Ben-Tal & Nemirovski 1999)
 *
 *   x(P) = argmax_x  r'x   s.t.  a0'x + |P'x|_2 <= b,  sum(x) = 1,  x >= 0,
 *
 * DPP in a0 and P' (parameters times the variable). The real losses a are
 * random (skewed: shifted exponentials with per-asset scales), and we want
 * the budget violated on at most alpha = 10% of fresh samples. Three sets:
 * - nominal, P = 0: only the mean loss is budgeted;
 * - naive: the sample-covariance ellipsoid P = k L (L L' = sample covariance),
 *   k chosen so the set contains 1 - alpha of the training samples;
 * - learned: P starts at the naive set and is trained by differentiating the task loss
 *     -r'x(P) + lambda * max(0, v(x(P)) - alpha),
 *   v a smoothed (sigmoid) violation rate on the training samples, through the layer;
 *   the iterate kept is the one with the best validation return among those whose
 *   validation violation rate is <= alpha (the validation split chooses, never the test set).
 * Reports the held-out test violation rate and return of the three.
 *
 * Writes out/robust_optimization/results.json.
 * Flags: --assets N (default 6), --train N (1000), --val N (1000), --test N (20000),
 *   --steps S (200), --seed S (1), --out DIR.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Problem, constant, dot, matmul, maximize, norm2, parameter, sum, variable } from 'optlayers/dsl';
import { ConvexLayer, init } from 'optlayers';
import { ProgressBar } from '../common/progress.js';
import { SeededRandom } from '../common/random.js';
import { integerFlag } from './numeric_flags.js';

const { values: flags } = parseArgs({
  options: {
    assets: { type: 'string', default: '6' },
    train: { type: 'string', default: '1000' },
    val: { type: 'string', default: '1000' },
    test: { type: 'string', default: '20000' },
    steps: { type: 'string', default: '200' },
    seed: { type: 'string', default: '1' },
    out: { type: 'string', default: 'out/robust_optimization' },
  },
});
const N = integerFlag('assets', flags.assets, 2);
const steps = integerFlag('steps', flags.steps, 1);
const seed = integerFlag('seed', flags.seed, 0);
// The covariance needs more samples than assets.
const sizes = { train: integerFlag('train', flags.train, N + 1), val: integerFlag('val', flags.val, 1), test: integerFlag('test', flags.test, 1) };
const alpha = 0.1;
const budget = 1;
/** Weight of the violation penalty and temperature of the smoothed violation indicator. */
const lambda = 5;
const temperature = 0.05;
const learningRate = 0.02;

/** Riskier assets pay more: returns 1..2 and loss scales growing with them. */
const returns = Array.from({ length: N }, (_, j) => 1 + j / Math.max(1, N - 1));
const lossMean = Array.from({ length: N }, (_, j) => 0.5 + 0.1 * j / Math.max(1, N - 1));
const lossScale = Array.from({ length: N }, (_, j) => 0.1 + 0.6 * j / Math.max(1, N - 1));

/** Loss samples: a_j = mean_j + scale_j (E_j - 1) + a common factor, E_j ~ Exp(1) (skewed, heavy right tail). */
function sampleLosses(rng: SeededRandom, count: number): number[][] {
  return Array.from({ length: count }, () => {
    const common = 0.5 * (-Math.log(1 - rng.uniform()) - 1);
    return lossMean.map((m, j) => m + lossScale[j]! * (-Math.log(1 - rng.uniform()) - 1 + common));
  });
}

function meanOf(samples: number[][]): number[] {
  return samples[0]!.map((_, j) => samples.reduce((s, a) => s + a[j]!, 0) / samples.length);
}

/** Lower Cholesky factor of the sample covariance (plus a tiny ridge so it is positive definite). */
function covarianceFactor(samples: number[][], mean: number[]): number[][] {
  const S = mean.map((_, i) => mean.map((__, j) => samples.reduce((s, a) => s + (a[i]! - mean[i]!) * (a[j]! - mean[j]!), 0) / (samples.length - 1) + (i === j ? 1e-9 : 0)));
  const L = mean.map(() => mean.map(() => 0));
  for (let i = 0; i < N; i++) {
    for (let j = 0; j <= i; j++) {
      let s = S[i]![j]!;
      for (let k = 0; k < j; k++) s -= L[i]![k]! * L[j]![k]!;
      L[i]![j] = i === j ? Math.sqrt(s) : s / L[j]![j]!;
    }
  }
  return L;
}

/** Solves L z = v by forward substitution. */
function forwardSolve(L: number[][], v: number[]): number[] {
  const z: number[] = [];
  for (let i = 0; i < v.length; i++) z.push((v[i]! - L[i]!.slice(0, i).reduce((s, l, k) => s + l * z[k]!, 0)) / L[i]![i]!);
  return z;
}

/** The (1 - alpha) empirical quantile of the Mahalanobis radii |L^{-1}(a - a0)|: the naive set then contains 1 - alpha of the samples. */
function coveringRadius(samples: number[][], mean: number[], L: number[][]): number {
  const radii = samples.map((a) => Math.hypot(...forwardSolve(L, a.map((v, j) => v - mean[j]!)))).sort((x, y) => x - y);
  return radii[Math.min(radii.length - 1, Math.ceil((1 - alpha) * radii.length) - 1)]!;
}

interface Outcome {
  readonly violationRate: number;
  readonly meanReturn: number;
}

function outcome(x: number[], samples: number[][]): Outcome {
  const violations = samples.filter((a) => a.reduce((s, v, j) => s + v * x[j]!, 0) > budget).length;
  return { violationRate: violations / samples.length, meanReturn: returns.reduce((s, r, j) => s + r * x[j]!, 0) };
}

function robustLayer(): ConvexLayer {
  const x = variable(N, { name: 'x' });
  const a0 = parameter(N, { name: 'a0' });
  const Pt = parameter([N, N], { name: 'Pt' });
  const problem = new Problem(maximize(dot(constant(returns), x)), [dot(a0, x).add(norm2(matmul(Pt, x))).le(budget), sum(x).eq(1), x.ge(0)]);
  return new ConvexLayer(problem, { parameters: [a0, Pt], variables: [x] });
}

function decide(layer: ConvexLayer, a0: tf.Tensor1D, Pt: tf.Tensor2D, statuses: Set<string>): number[] {
  const x = tf.tidy(() => (layer.apply([a0, Pt]) as tf.Tensor[])[0]!);
  (layer.lastStats?.statuses ?? []).forEach((s) => statuses.add(s));
  const values = Array.from(x.dataSync());
  x.dispose();
  return values;
}

async function main(): Promise<void> {
  const backend = await init();
  console.log(`backend: ${backend.backend} (${backend.source})`);
  const rng = new SeededRandom(seed);
  const trainSet = sampleLosses(rng, sizes.train);
  const valSet = sampleLosses(rng, sizes.val);
  const testSet = sampleLosses(rng, sizes.test);
  console.log(`${N} assets, budget a'x <= ${budget} for all but alpha = ${alpha} of the losses; train ${trainSet.length}, validation ${valSet.length}, test ${testSet.length}`);
  const layer = robustLayer();
  const statuses = new Set<string>();
  const mean = meanOf(trainSet);
  const L = covarianceFactor(trainSet, mean);
  const radius = coveringRadius(trainSet, mean, L);
  const a0 = tf.tensor1d(mean);
  // P = k L, so P' = k L'.
  const naivePt = L[0]!.map((_, i) => L.map((row) => radius * row[i]!));
  const zeroPt = tf.zeros([N, N]) as tf.Tensor2D;
  const nominalX = decide(layer, a0, zeroPt, statuses);
  const naiveTensor = tf.tensor2d(naivePt);
  const naiveX = decide(layer, a0, naiveTensor, statuses);

  const Pt = tf.variable(naiveTensor.clone(), true, 'Pt');
  const trainLosses = tf.tensor2d(trainSet);
  const r = tf.tensor1d(returns);
  const optimizer = tf.train.adam(learningRate);
  let best: { step: number; x: number[]; val: Outcome; Pt: number[][] } = { step: 0, x: naiveX, val: outcome(naiveX, valSet), Pt: naivePt };
  const bar = new ProgressBar(steps, 'learning the set');
  // tf.memory().numTensors after every step: constant when the training loop leaks nothing.
  const tensorCounts: number[] = [];
  const t0 = performance.now();
  for (let step = 1; step <= steps; step++) {
    const loss = optimizer.minimize(() => {
      const [x] = layer.apply([a0, Pt]) as tf.Tensor[];
      const margins = tf.sub(tf.matMul(trainLosses, x!.reshape([N, 1])).reshape([-1]), budget);
      const violation = tf.mean(tf.sigmoid(tf.div(margins, temperature)));
      return tf.add(tf.neg(tf.sum(tf.mul(r, x!))), tf.mul(lambda, tf.relu(tf.sub(violation, alpha)))) as tf.Scalar;
    }, true);
    (layer.lastStats?.statuses ?? []).forEach((s) => statuses.add(s));
    const lossValue = loss!.dataSync()[0]!;
    loss!.dispose();
    const x = decide(layer, a0, Pt, statuses);
    const val = outcome(x, valSet);
    if (val.violationRate <= alpha && (best.val.violationRate > alpha || val.meanReturn > best.val.meanReturn)) best = { step, x, val, Pt: Pt.arraySync() };
    tensorCounts.push(tf.memory().numTensors);
    bar.update(step, `loss ${lossValue.toFixed(4)} val viol ${(100 * val.violationRate).toFixed(1)}% return ${val.meanReturn.toFixed(3)}`);
  }
  const seconds = (performance.now() - t0) / 1000;
  optimizer.dispose();
  const sets = { nominal: nominalX, naive: naiveX, learned: best.x };
  const report: Record<string, { x: number[]; test: Outcome; validation: Outcome }> = {};
  console.log(`layer route: ${layer.route}; ${steps} gradient steps took ${seconds.toFixed(1)} s; learned set kept from step ${best.step} (validation)`);
  for (const [name, x] of Object.entries(sets)) {
    report[name] = { x, test: outcome(x, testSet), validation: outcome(x, valSet) };
    console.log(`${name.padEnd(8)} set: test violation rate ${(100 * report[name]!.test.violationRate).toFixed(1)}% (target <= ${100 * alpha}%), return ${report[name]!.test.meanReturn.toFixed(4)}`);
  }
  const summary = {
    config: { assets: N, budget, alpha, lambda, temperature, learningRate, steps, seed, train: trainSet.length, val: valSet.length, test: testSet.length, naiveRadius: radius },
    route: layer.route,
    statuses: [...statuses],
    seconds,
    learnedStep: best.step,
    // The sets themselves: centre a0 and P' of the naive and of the kept learned set.
    a0: mean,
    naivePt,
    learnedPt: best.Pt,
    tensorCounts,
    ...report,
  };
  mkdirSync(flags.out!, { recursive: true });
  writeFileSync(`${flags.out}/results.json`, JSON.stringify(summary, null, 2));
  console.log(`wrote ${flags.out}/results.json`);
  tf.dispose([a0, zeroPt, naiveTensor, Pt, trainLosses, r]);
}

await main();
