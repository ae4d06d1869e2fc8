/**
 * `npm run example:adp`: convex approximate dynamic programming. Trains the
 * value-function factor S of the SOCP policy
 *   phi(x) = argmin_{|u|_2 <= 1} |u|^2 + |S(Ax + Bu)|^2
 * by gradient descent through the convex layer on simulated noisy rollouts
 * (horizon 25, batch 8), starting from the LQR solution, and reports the
 * average cost on held-out rollouts before and after.
 *
 * Flags: --iters N (default 60), --lr (default 0.05), --seed S (default 0), --eval-batch N (default 64).
 */
import * as tf from '@tensorflow/tfjs';
import { parseArgs } from 'node:util';
import { init } from '../../src/index.js';
import { ProgressBar } from '../common/progress.js';
import { SeededRandom } from '../common/random.js';
import { ADP_EXAMPLE_SYSTEM, buildAdpPolicy, lqrValueFactor, randomAdpSystem, rolloutCost, sampleRollouts } from './adp_policy.js';

const { values } = parseArgs({
  options: {
    iters: { type: 'string', default: '60' },
    lr: { type: 'string', default: '0.05' },
    seed: { type: 'string', default: '0' },
    'eval-batch': { type: 'string', default: '64' },
  },
});
const iters = Number(values.iters);
const seed = Number(values.seed);
const horizon = 25;
const batch = 8;

const backend = await init();
console.log(`backend: ${backend.backend}`);
// Weak inputs (|u|_2 <= 1 binds often) on a marginally stable system, as in the paper's setting.
const system = randomAdpSystem(new SeededRandom(seed), ADP_EXAMPLE_SYSTEM);
const policy = buildAdpPolicy(system);
const S = tf.variable(tf.tensor2d(Float32Array.from(lqrValueFactor(system)), [system.n, system.n]), true, 'S');
console.log(`system: n = ${system.n}, m = ${system.m}, noise sigma = ${system.noise}; policy solved by ${policy.layer.route.toUpperCase()} (an SOCP)`);

const evalSet = sampleRollouts(new SeededRandom(seed + 1000), system, Number(values['eval-batch']), horizon);
const evaluate = () => tf.tidy(() => rolloutCost(policy, S, evalSet.x0, evalSet.noise).dataSync()[0]!);
const before = evaluate();
console.log(`average cost on ${values['eval-batch']} held-out rollouts, LQR-initialized policy: ${before.toFixed(4)}`);

const optimizer = tf.train.adam(Number(values.lr));
const rng = new SeededRandom(seed + 1);
const bar = new ProgressBar(iters, 'training');
const t0 = performance.now();
for (let it = 0; it < iters; it++) {
  const { x0, noise } = sampleRollouts(rng, system, batch, horizon);
  const { value, grads } = tf.variableGrads(() => rolloutCost(policy, S, x0, noise), [S]);
  optimizer.applyGradients(grads as tf.NamedTensorMap as Record<string, tf.Variable>);
  bar.update(it + 1, `batch cost ${value.dataSync()[0]!.toFixed(4)}`);
  tf.dispose([x0, noise, value, grads]);
}
const seconds = (performance.now() - t0) / 1000;
const after = evaluate();
console.log(`average cost after ${iters} iterations: ${after.toFixed(4)} (${(100 * (1 - after / before)).toFixed(1)}% lower than LQR; ${(seconds / iters).toFixed(2)} s per iteration)`);
tf.dispose([S, evalSet.x0, evalSet.noise]);
optimizer.dispose();
