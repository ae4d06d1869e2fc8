/**
 * `npm run example:predict-then-optimize`: decision-focused learning
 * ("smart predict-then-optimize", Elmachtoub & Grigas 2022; Wilder et al.
 * 2019; the cvxpylayers predict-then-optimize example). A linear model maps
 * features w to a predicted cost vector c^(w) of d items; the decision is the
 * capped-simplex allocation
 *
 *   x(c^) = argmin_x  c^'x + gamma |x|^2   s.t.  sum(x) = 1,  0 <= x <= cap,
 *
 * a QP (the small quadratic term makes x(c^) a smooth function of c^, so its
 * gradient is informative; with gamma = 0 it is a piecewise-constant LP
 * solution). Costs follow the SPO paper's synthetic generator (sec. 6.1):
 * c_j = [((Bw)_j / sqrt(p) + 3)^deg / 3.5^deg + 1] * eps_j, eps_j ~ U[1 - noise, 1 + noise],
 * so a linear model is misspecified for deg > 1.
 *
 * Two models with the same decision layer:
 * (a) end to end: trained on the decision loss c'x(c^(w)) (true cost of the decision);
 * (b) two stage: trained on the MSE |c^(w) - c|^2, then decided with.
 * Both are judged by normalized regret on held-out test data,
 *   sum_i (c_i'x(c^_i) - z*(c_i)) / sum_i z*(c_i),
 * z*(c) = min over the same feasible set of c'x (an LP: the cap on the cheapest items, in order).
 * Each method's learning rate is chosen on a validation split (by validation
 * regret); the test set is used once, for the reported figures.
 *
 * Writes out/predict_then_optimize/results.json.
 * Flags: --train N (default 500), --val N (200), --test N (1000), --epochs E (60),
 *   --items D (8), --features P (5), --degree K (6), --noise S (0.3),
 *   --gamma G (0.05), --seed S (1), --out DIR.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Problem, dot, minimize, parameter, sum, sumSquares, variable } from 'optlayers/dsl';
import { ConvexLayer, init } from 'optlayers';
import { ProgressBar } from '../common/progress.js';
import { SeededRandom } from '../common/random.js';
import { integerFlag, numberFlag } from './numeric_flags.js';

const { values: flags } = parseArgs({
  options: {
    train: { type: 'string', default: '500' },
    val: { type: 'string', default: '200' },
    test: { type: 'string', default: '1000' },
    epochs: { type: 'string', default: '60' },
    items: { type: 'string', default: '8' },
    features: { type: 'string', default: '5' },
    degree: { type: 'string', default: '6' },
    noise: { type: 'string', default: '0.3' },
    gamma: { type: 'string', default: '0.05' },
    seed: { type: 'string', default: '1' },
    out: { type: 'string', default: 'out/predict_then_optimize' },
  },
});
const D = integerFlag('items', flags.items, 3);
const P = integerFlag('features', flags.features, 1);
const degree = integerFlag('degree', flags.degree, 1);
const noise = numberFlag('noise', flags.noise, 0, 0.99);
/** Weight of the quadratic regularizer of the decision QP (> 0 keeps its solution a smooth function of the costs). */
const gamma = numberFlag('gamma', flags.gamma, 1e-4, 100);
const epochs = integerFlag('epochs', flags.epochs, 1);
const seed = integerFlag('seed', flags.seed, 0);
const sizes = { train: integerFlag('train', flags.train, 2), val: integerFlag('val', flags.val, 1), test: integerFlag('test', flags.test, 1) };
const batchSize = 25;
/** The allocation may put at most this share on one item, so z*(c) spreads over the ceil(1/cap) cheapest items. */
const cap = 0.4;
/** Learning rates tried for each method; the one with the lower validation regret is kept. */
const LEARNING_RATES = [0.01, 0.05, 0.2];

interface Split {
  readonly w: number[][];
  readonly c: number[][];
}

/** The SPO synthetic generator: a fixed random 0/1 matrix B and a degree-`degree` polynomial link with multiplicative noise. */
function makeGenerator(rng: SeededRandom): (count: number) => Split {
  const B = Array.from({ length: D }, () => Array.from({ length: P }, () => (rng.uniform() < 0.5 ? 1 : 0)));
  return (count) => {
    const w: number[][] = [];
    const c: number[][] = [];
    for (let i = 0; i < count; i++) {
      const wi = Array.from({ length: P }, () => rng.normal());
      w.push(wi);
      c.push(B.map((row) => {
        const z = row.reduce<number>((s, b, k) => s + b * wi[k]!, 0) / Math.sqrt(P) + 3;
        return (Math.pow(z, degree) / Math.pow(3.5, degree) + 1) * rng.between(1 - noise, 1 + noise);
      }));
    }
    return { w, c };
  };
}

/** z*(c) = min c'x over {sum x = 1, 0 <= x <= cap}: fill the cheapest items up to the cap (the LP's greedy solution). */
function optimalCost(c: readonly number[]): number {
  const order = c.map((v, j) => ({ v, j })).sort((a, b) => a.v - b.v);
  let left = 1;
  let total = 0;
  for (const { v } of order) {
    const take = Math.min(cap, left);
    total += take * v;
    left -= take;
    if (left <= 0) break;
  }
  return total;
}

function decisionLayer(): ConvexLayer {
  const x = variable(D, { name: 'x' });
  const cHat = parameter(D, { name: 'cHat' });
  const problem = new Problem(minimize(dot(cHat, x).add(sumSquares(x).mul(gamma))), [sum(x).eq(1), x.ge(0), x.le(cap)]);
  return new ConvexLayer(problem, { parameters: [cHat], variables: [x] });
}

type Method = 'end-to-end' | 'two-stage';

interface Evaluation {
  readonly regret: number;
  readonly mse: number;
  readonly statuses: readonly string[];
  /** The first few (true cost, decision) pairs, so that the figures can be checked from the JSON. */
  readonly samples: readonly { readonly c: readonly number[]; readonly x: readonly number[] }[];
}

function evaluate(model: tf.LayersModel, layer: ConvexLayer, split: Split): Evaluation {
  const [cHat, x] = tf.tidy(() => {
    const pred = model.predict(tf.tensor2d(split.w)) as tf.Tensor2D;
    return [pred, layer.apply([pred]) as tf.Tensor[]] as const;
  });
  const statuses = [...(layer.lastStats?.statuses ?? [])];
  const xs = (x as tf.Tensor[])[0]!.arraySync() as number[][];
  const preds = cHat.arraySync();
  tf.dispose([cHat, ...(x as tf.Tensor[])]);
  let regret = 0;
  let best = 0;
  let se = 0;
  split.c.forEach((c, i) => {
    regret += c.reduce((s, v, j) => s + v * xs[i]![j]!, 0) - optimalCost(c);
    best += optimalCost(c);
    se += c.reduce((s, v, j) => s + (v - preds[i]![j]!) ** 2, 0) / D;
  });
  return { regret: regret / best, mse: se / split.c.length, statuses, samples: split.c.slice(0, 5).map((c, i) => ({ c, x: xs[i]! })) };
}

/**
 * Trains one model; `tensorCounts` receives tf.memory().numTensors after every epoch (constant when the loop leaks nothing).
 */
function train(method: Method, learningRate: number, data: Split, layer: ConvexLayer, bar: ProgressBar, barOffset: number, tensorCounts: number[]): tf.LayersModel {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: D, inputShape: [P], kernelInitializer: tf.initializers.glorotNormal({ seed }), biasInitializer: 'ones' }));
  const optimizer = tf.train.adam(learningRate);
  const n = data.w.length;
  const order = Array.from({ length: n }, (_, i) => i);
  const shuffle = new SeededRandom(seed + 17);
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(shuffle.uniform() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    let total = 0;
    for (let start = 0; start < n; start += batchSize) {
      const idx = order.slice(start, start + batchSize);
      const w = tf.tensor2d(idx.map((i) => data.w[i]!));
      const c = tf.tensor2d(idx.map((i) => data.c[i]!));
      const loss = optimizer.minimize(() => {
        const cHat = model.apply(w) as tf.Tensor2D;
        if (method === 'two-stage') return tf.losses.meanSquaredError(c, cHat) as tf.Scalar;
        const [x] = layer.apply([cHat]) as tf.Tensor[];
        // Decision loss: the true cost of the decision taken with the predicted costs.
        return tf.mean(tf.sum(tf.mul(c, x!), 1)) as tf.Scalar;
      }, true);
      total += loss!.dataSync()[0]! * idx.length;
      tf.dispose([w, c, loss!]);
    }
    tensorCounts.push(tf.memory().numTensors);
    bar.update(barOffset + epoch + 1, `${method} lr ${learningRate} loss ${(total / n).toFixed(4)}`);
  }
  optimizer.dispose();
  return model;
}

async function main(): Promise<void> {
  const backend = await init();
  console.log(`backend: ${backend.backend} (${backend.source})`);
  const generate = makeGenerator(new SeededRandom(seed));
  const trainSet = generate(sizes.train);
  const valSet = generate(sizes.val);
  const testSet = generate(sizes.test);
  console.log(`${D} items, ${P} features, degree ${degree}, noise ${noise}; train ${trainSet.w.length}, validation ${valSet.w.length}, test ${testSet.w.length}`);
  const layer = decisionLayer();
  const methods: Method[] = ['end-to-end', 'two-stage'];
  const bar = new ProgressBar(methods.length * LEARNING_RATES.length * epochs, 'training');
  const results: Record<string, unknown> = {};
  const statuses = new Set<string>();
  const tensorCountsByEpoch: Record<string, number[]> = {};
  let runs = 0;
  const t0 = performance.now();
  for (const method of methods) {
    let chosen: { lr: number; model: tf.LayersModel; val: Evaluation } | undefined;
    const validation: Record<string, number> = {};
    for (const lr of LEARNING_RATES) {
      const counts: number[] = [];
      const model = train(method, lr, trainSet, layer, bar, runs++ * epochs, counts);
      tensorCountsByEpoch[`${method} lr ${lr}`] = counts;
      const val = evaluate(model, layer, valSet);
      val.statuses.forEach((s) => statuses.add(s));
      validation[String(lr)] = val.regret;
      if (chosen === undefined || val.regret < chosen.val.regret) {
        chosen?.model.dispose();
        chosen = { lr, model, val };
      } else model.dispose();
    }
    const test = evaluate(chosen!.model, layer, testSet);
    test.statuses.forEach((s) => statuses.add(s));
    chosen!.model.dispose();
    results[method] = { learningRate: chosen!.lr, validationRegretByLearningRate: validation, testNormalizedRegret: test.regret, testCostMse: test.mse, testSamples: test.samples };
  }
  const seconds = (performance.now() - t0) / 1000;
  const e2e = results['end-to-end'] as { testNormalizedRegret: number; testCostMse: number; learningRate: number };
  const two = results['two-stage'] as { testNormalizedRegret: number; testCostMse: number; learningRate: number };
  console.log(`decision layer route: ${layer.route}; training + selection took ${seconds.toFixed(1)} s`);
  console.log(`end to end (lr ${e2e.learningRate}): test normalized regret ${(100 * e2e.testNormalizedRegret).toFixed(2)}%, cost MSE ${e2e.testCostMse.toFixed(4)}`);
  console.log(`two stage  (lr ${two.learningRate}): test normalized regret ${(100 * two.testNormalizedRegret).toFixed(2)}%, cost MSE ${two.testCostMse.toFixed(4)}`);
  console.log(e2e.testNormalizedRegret < two.testNormalizedRegret ? 'the end-to-end model takes cheaper decisions, with worse cost predictions' : 'the end-to-end model did NOT beat the two-stage baseline on this run');
  const summary = {
    config: { items: D, features: P, degree, noise, cap, gamma, epochs, batchSize, learningRates: LEARNING_RATES, seed, train: trainSet.w.length, val: valSet.w.length, test: testSet.w.length },
    route: layer.route,
    statuses: [...statuses],
    seconds,
    tensorCountsByEpoch,
    ...results,
  };
  mkdirSync(flags.out!, { recursive: true });
  writeFileSync(`${flags.out}/results.json`, JSON.stringify(summary, null, 2));
  console.log(`wrote ${flags.out}/results.json`);
}

await main();
