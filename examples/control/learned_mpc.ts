/**
 * `npm run example:learned-mpc`: recover an MPC controller's unknown state
 * weights from its closed-loop behaviour by differentiating through the MPC
 * problem (a ConvexLayer). Prints the imitation loss falling and the learned
 * weights approaching the expert's.
 *
 * Flags: --iters N (default 60), --lr (default 0.1), --seed S (default 0).
 */
import * as tf from '@tensorflow/tfjs';
import { parseArgs } from 'node:util';
import { init } from '../../src/index.js';
import { ProgressBar } from '../common/progress.js';
import { SeededRandom } from '../common/random.js';
import { expertDemonstrations, imitationLoss, learnerLayer, type LearnedMpcSetup } from './learned_mpc_setup.js';
import { doubleIntegrator2d } from './linear_system.js';

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
  system: doubleIntegrator2d(0.1),
  bounds: { uMax: 1, stateBounds: [{ index: 2, bound: 1 }, { index: 3, bound: 1 }] },
  horizon: 10,
  inputWeight: 0.1,
};
const expertWeights = [2, 0.5, 0.2, 0.05];
const initialWeights = [1, 1, 1, 1];
const data = expertDemonstrations(setup, expertWeights, new SeededRandom(Number(values.seed)), 6, 10);
console.log(`expert: MPC (horizon ${setup.horizon}) with state weights q* = [${expertWeights.join(', ')}], input weight ${setup.inputWeight}; ${data.states.shape[0]} demonstrated (state, input) pairs`);

const layer = learnerLayer(setup, initialWeights);
console.log(`learner: the same MPC as a ConvexLayer with q as a parameter (solver route: ${layer.route}); starting from q = [${initialWeights.join(', ')}]`);
const logQ = tf.variable(tf.tensor1d(initialWeights.map(Math.log)), true, 'logQ');
const optimizer = tf.train.adam(Number(values.lr));
const show = () => Array.from(logQ.exp().dataSync(), (v) => v.toFixed(3)).join(', ');
const bar = new ProgressBar(iters, 'imitation');
const losses: number[] = [];
for (let it = 0; it < iters; it++) {
  const { value, grads } = tf.variableGrads(() => imitationLoss(layer, logQ, data), [logQ]);
  optimizer.applyGradients(grads as tf.NamedTensorMap as Record<string, tf.Variable>);
  losses.push(value.dataSync()[0]!);
  bar.update(it + 1, `loss ${losses[it]!.toExponential(3)}`);
  tf.dispose([value, grads]);
  if ((it + 1) % Math.max(1, Math.floor(iters / 6)) === 0) console.log(`  iteration ${it + 1}: loss ${losses[it]!.toExponential(3)}, q = [${show()}]`);
}
const learned = Array.from(logQ.exp().dataSync());
const relErr = learned.map((v, i) => Math.abs(v - expertWeights[i]!) / expertWeights[i]!);
console.log(`imitation loss: ${losses[0]!.toExponential(3)} -> ${losses[losses.length - 1]!.toExponential(3)}`);
console.log(`learned q = [${show()}], expert q* = [${expertWeights.join(', ')}], max relative error ${(100 * Math.max(...relErr)).toFixed(1)}%`);
tf.dispose([logQ, data.states, data.actions]);
optimizer.dispose();
