/**
 * `npm run example:adp`: convex approximate dynamic programming (Agrawal et
 * al. 2019, section 6). Two instances:
 *
 * - `--instance example` (default): trains the value-function factor S of
 *   phi(x) = argmin_{|u|_2 <= 1} |u|^2 + |S(Ax + Bu)|^2 on fresh noisy
 *   rollouts every iteration (horizon 25, batch 8), from the LQR solution,
 *   on a random system with spectral radius 1, weak inputs and noise 0.5.
 * - `--instance paper`: the cvxpylayers paper's own instance, policy,
 *   initialization and optimizer (adp_paper.ts): SGD with momentum on one
 *   fixed sample of 8 rollouts from x_0 = 0, the same noise every iteration,
 *   as the paper's plot does.
 *
 * Both report the training cost and the cost on held-out rollouts before and
 * after training. Held-out costs are computed in float64 with the exact
 * ball-QP solution of the policy (adp_reference.ts), independent of the layer.
 *
 * Flags: --instance example|paper, --iters N (60 | 100), --lr (0.05 Adam | 0.02 SGD),
 * --seed S (0), --eval-batch N (64 | 1000).
 * Run: npx tsx --conditions=optlayers-source examples/control/adp.ts --instance paper
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { init } from 'optlayers';
import { ProgressBar } from '../common/progress.js';
import { SeededRandom } from '../common/random.js';
import { PAPER_SYSTEM, PAPER_TRAINING, buildPaperPolicy, paperLqrInit, paperReferencePolicy, paperRolloutCost, type PaperPolicyParams } from './adp_paper.js';
import { ADP_EXAMPLE_SYSTEM, buildAdpPolicy, lqrValueFactor, randomAdpSystem, rolloutCost, sReferencePolicy, sampleRollouts, type AdpSystem } from './adp_policy.js';
import { referenceRolloutCost, type ReferencePolicy } from './adp_reference.js';

const { values } = parseArgs({
  options: {
    instance: { type: 'string', default: 'example' },
    iters: { type: 'string' },
    lr: { type: 'string' },
    seed: { type: 'string', default: '0' },
    'eval-batch': { type: 'string' },
  },
});
const instance = values.instance;
if (instance !== 'example' && instance !== 'paper') throw new RangeError(`--instance must be example or paper, got ${instance}`);
const paper = instance === 'paper';
const positive = (flag: string, v: string | undefined, fallback: number, integer: boolean): number => {
  const x = v === undefined ? fallback : Number(v);
  if (!(x > 0) || (integer && !Number.isInteger(x))) throw new RangeError(`--${flag} must be a positive ${integer ? 'integer' : 'number'}, got ${v}`);
  return x;
};
const iters = positive('iters', values.iters, paper ? PAPER_TRAINING.iterations : 60, true);
const lr = positive('lr', values.lr, paper ? PAPER_TRAINING.learningRate : 0.05, false);
const evalBatch = positive('eval-batch', values['eval-batch'], paper ? 1000 : 64, true);
const seed = Number(values.seed);
if (!Number.isInteger(seed)) throw new RangeError(`--seed must be an integer, got ${values.seed}`);
const horizon = 25;
const batch = 8;

const backend = await init();
console.log(`backend: ${backend.backend}; instance ${instance}`);

/** Held-out cost in float64 (exact policy) on `evalBatch` rollouts drawn from `start`. */
function heldOut(sys: AdpSystem, policy: ReferencePolicy, fromRest: boolean): number {
  const rng = new SeededRandom(seed + 1000);
  const x0 = fromRest ? new Float64Array(evalBatch * sys.n) : rng.normals(evalBatch * sys.n);
  const noise = rng.normals(horizon * evalBatch * sys.n, sys.noise);
  return referenceRolloutCost(policy, sys.A, sys.B, sys.n, sys.m, x0, noise, evalBatch, horizon);
}

const pctLower = (before: number, after: number): string => `${(100 * (1 - after / before)).toFixed(1)}% lower`;

if (paper) {
  const sys = PAPER_SYSTEM;
  const layer = buildPaperPolicy(sys);
  const start = paperLqrInit(sys);
  const vars = {
    Psqrt: tf.variable(tf.tensor2d(Float32Array.from(start.Psqrt), [sys.m, sys.m]), true, 'Psqrt'),
    P21: tf.variable(tf.tensor2d(Float32Array.from(start.P21), [sys.n, sys.m]), true, 'P21'),
    q: tf.variable(tf.tensor1d(Float32Array.from(start.q)), true, 'q'),
  };
  const current = (): PaperPolicyParams => ({ Psqrt: Float64Array.from(vars.Psqrt.dataSync()), P21: Float64Array.from(vars.P21.dataSync()), q: Float64Array.from(vars.q.dataSync()) });
  console.log(`paper instance: n = ${sys.n}, m = ${sys.m}, A = I + 0.01 randn, B = (0.01/3) randn (numpy seed 1), x0 = 0, noise 0.2, T = ${horizon}, ${batch} rollouts; SGD lr ${lr} momentum ${PAPER_TRAINING.momentum}; policy solved by ${layer.route.toUpperCase()}`);
  // One fixed training sample, reused every iteration (the paper re-seeds before each iteration).
  const rng = new SeededRandom(seed);
  const x0 = tf.zeros([batch, sys.n]) as tf.Tensor2D;
  const noise = tf.tensor3d(Float32Array.from(rng.normals(horizon * batch * sys.n, sys.noise)), [horizon, batch, sys.n]);
  const trainingCost64 = (p: PaperPolicyParams) => referenceRolloutCost(paperReferencePolicy(sys, p), sys.A, sys.B, sys.n, sys.m, new Float64Array(batch * sys.n), noise.dataSync(), batch, horizon);
  const heldBefore = heldOut(sys, paperReferencePolicy(sys, start), true);
  const optimizer = tf.train.momentum(lr, PAPER_TRAINING.momentum);
  const bar = new ProgressBar(iters, 'training');
  const losses: number[] = [];
  const t0 = performance.now();
  for (let it = 0; it < iters; it++) {
    const { value, grads } = tf.variableGrads(() => paperRolloutCost(layer, sys, vars, x0, noise), [vars.Psqrt, vars.P21, vars.q]);
    losses.push(value.dataSync()[0]!);
    optimizer.applyGradients(grads as tf.NamedTensorMap as Record<string, tf.Variable>);
    bar.update(it + 1, `training loss ${losses[it]!.toFixed(4)}`);
    tf.dispose([value, grads]);
  }
  const seconds = (performance.now() - t0) / 1000;
  const finalLoss = tf.tidy(() => paperRolloutCost(layer, sys, vars, x0, noise).dataSync()[0]!);
  const trained = current();
  const heldAfter = heldOut(sys, paperReferencePolicy(sys, trained), true);
  console.log(`training loss (the paper's plot: the same ${batch} noise sequences every iteration), through the layer: ${losses[0]!.toFixed(4)} -> ${finalLoss.toFixed(4)} after ${iters} iterations (${pctLower(losses[0]!, finalLoss)}); float64 check ${trainingCost64(start).toFixed(4)} -> ${trainingCost64(trained).toFixed(4)}`);
  console.log(`held-out cost (${evalBatch} fresh rollouts from x0 = 0, float64, exact policy): ${heldBefore.toFixed(4)} -> ${heldAfter.toFixed(4)} (${pctLower(heldBefore, heldAfter)})`);
  console.log(`loss every 10 iterations: ${losses.filter((_, i) => i % 10 === 0).map((l) => l.toFixed(4)).join(' ')}; ${(seconds / iters).toFixed(2)} s per iteration`);
  tf.dispose([vars.Psqrt, vars.P21, vars.q, x0, noise]);
  optimizer.dispose();
} else {
  // Weak inputs (|u|_2 <= 1 binds often) on a marginally stable system.
  const system = randomAdpSystem(new SeededRandom(seed), ADP_EXAMPLE_SYSTEM);
  const policy = buildAdpPolicy(system);
  const S0 = lqrValueFactor(system);
  const S = tf.variable(tf.tensor2d(Float32Array.from(S0), [system.n, system.n]), true, 'S');
  console.log(`system: n = ${system.n}, m = ${system.m}, noise sigma = ${system.noise}; policy solved by ${policy.layer.route.toUpperCase()} (an SOCP)`);
  const heldBefore = heldOut(system, sReferencePolicy(system, S0), false);
  const optimizer = tf.train.adam(lr);
  const rng = new SeededRandom(seed + 1);
  const bar = new ProgressBar(iters, 'training');
  const batchCosts: number[] = [];
  const t0 = performance.now();
  for (let it = 0; it < iters; it++) {
    const { x0, noise } = sampleRollouts(rng, system, batch, horizon);
    const { value, grads } = tf.variableGrads(() => rolloutCost(policy, S, x0, noise), [S]);
    batchCosts.push(value.dataSync()[0]!);
    optimizer.applyGradients(grads as tf.NamedTensorMap as Record<string, tf.Variable>);
    bar.update(it + 1, `batch cost ${batchCosts[it]!.toFixed(4)}`);
    tf.dispose([x0, noise, value, grads]);
  }
  const seconds = (performance.now() - t0) / 1000;
  const heldAfter = heldOut(system, sReferencePolicy(system, Float64Array.from(S.dataSync())), false);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const k = Math.min(10, iters);
  console.log(`training cost (fresh batch of ${batch} rollouts every iteration): mean of the first ${k} batches ${mean(batchCosts.slice(0, k)).toFixed(4)}, of the last ${k} ${mean(batchCosts.slice(-k)).toFixed(4)}`);
  console.log(`held-out cost (${evalBatch} rollouts, float64, exact policy): LQR-initialized ${heldBefore.toFixed(4)} -> ${heldAfter.toFixed(4)} after ${iters} iterations (${pctLower(heldBefore, heldAfter)}; ${(seconds / iters).toFixed(2)} s per iteration)`);
  tf.dispose(S);
  optimizer.dispose();
}
