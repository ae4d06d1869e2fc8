/**
 * `npm run example:learned-mpc`: recover the damping and mass of the system
 * an MPC expert controls, from the expert's closed-loop behaviour only, by
 * differentiating through the MPC problem (a ConvexLayer, solved by the
 * batched QP interior point method). Prints the imitation loss falling and
 * the learned parameters approaching the expert's.
 *
 * Flags: --iters N (default 60), --lr (default 0.1), --seed S (default 0).
 */
import * as tf from '@tensorflow/tfjs';
import { parseArgs } from 'node:util';
import { init } from 'optlayers';
import { ProgressBar } from '../common/progress.js';
import { SeededRandom } from '../common/random.js';
import { expertDemonstrations, imitationLoss, learnerLayer, type LearnedMpcSetup } from './learned_mpc_setup.js';

const { values } = parseArgs({
  options: {
    iters: { type: 'string', default: '60' },
    lr: { type: 'string', default: '0.1' },
    seed: { type: 'string', default: '0' },
  },
});
const iters = Number(values.iters);

await init();
const setup: LearnedMpcSetup = {
  dt: 0.1,
  bounds: { uMax: 1, stateBounds: [{ index: 2, bound: 1 }, { index: 3, bound: 1 }] },
  horizon: 10,
  stateWeights: [1, 1, 0.1, 0.1],
  inputWeight: 0.1,
};
const expert = { damping: 0.5, mass: 2 };
const data = expertDemonstrations(setup, expert, new SeededRandom(Number(values.seed)), 6, 10);
console.log(`expert: MPC (horizon ${setup.horizon}) of a point mass with damping c* = ${expert.damping}, mass m* = ${expert.mass}; ${data.states.shape[0]} demonstrated (state, input) pairs`);

const layer = learnerLayer(setup);
// Log-parametrized so both stay positive.
const logDamping = tf.variable(tf.scalar(Math.log(0.1)), true, 'logDamping');
const logMass = tf.variable(tf.scalar(Math.log(1)), true, 'logMass');
const current = () => ({ c: Math.exp(logDamping.dataSync()[0]!), m: Math.exp(logMass.dataSync()[0]!) });
console.log(`learner: the same MPC as a ConvexLayer with A(c), B(m) as parameters (solver route: ${layer.route}); starting from c = ${current().c.toFixed(3)}, m = ${current().m.toFixed(3)}`);
const optimizer = tf.train.adam(Number(values.lr));
const bar = new ProgressBar(iters, 'imitation');
const losses: number[] = [];
const t0 = performance.now();
for (let it = 0; it < iters; it++) {
  const { value, grads } = tf.variableGrads(() => tf.tidy(() => imitationLoss(layer, setup, logDamping.exp() as tf.Scalar, logMass.exp() as tf.Scalar, data)), [logDamping, logMass]);
  optimizer.applyGradients(grads as tf.NamedTensorMap as Record<string, tf.Variable>);
  losses.push(value.dataSync()[0]!);
  bar.update(it + 1, `loss ${losses[it]!.toExponential(3)}`);
  tf.dispose([value, grads]);
  if ((it + 1) % Math.max(1, Math.floor(iters / 5)) === 0) {
    const { c, m } = current();
    console.log(`  iteration ${it + 1}: loss ${losses[it]!.toExponential(3)}, damping ${c.toFixed(4)}, mass ${m.toFixed(4)}`);
  }
}
const seconds = (performance.now() - t0) / 1000;
const { c, m } = current();
console.log(`imitation loss: ${losses[0]!.toExponential(3)} -> ${losses[losses.length - 1]!.toExponential(3)} (${(seconds / iters).toFixed(2)} s per iteration)`);
console.log(`learned damping ${c.toFixed(4)} (expert ${expert.damping}, error ${(100 * Math.abs(c - expert.damping) / expert.damping).toFixed(1)}%), mass ${m.toFixed(4)} (expert ${expert.mass}, error ${(100 * Math.abs(m - expert.mass) / expert.mass).toFixed(1)}%)`);
tf.dispose([logDamping, logMass, data.states, data.actions]);
optimizer.dispose();
