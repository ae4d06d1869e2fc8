import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/backend.js';
import { SeededRandom } from '../common/random.js';
import { defaultPendulum, Pendulum } from './pendulum_dynamics.js';
import { fitScaling, sampleBox, trueDerivatives } from './training_data.js';
import { trainModel } from './training.js';
import { denormalizedField, plainNetwork, stableModel, variablesOf, type ModelOptions } from './models.js';

const cfg = { links: 2, samples: 4000, epochs: 30, batch: 128, lr: 3e-3, norm: 1, centering: 'value', rehu: 1, eps: 1e-2, alpha: 0.01, cn: 1, act: 'softplus', hidden: 64, plain: 0, ...JSON.parse(process.env.CFG ?? '{}') };
await selectBackend();
const pend = new Pendulum(defaultPendulum(cfg.links));
const d = pend.dim;
const rand = new SeededRandom(1);
const trX = sampleBox(cfg.samples, cfg.links, 1, 2, rand);
const trY = trueDerivatives(pend, trX);
const teX = sampleBox(1000, cfg.links, 1, 2, rand);
const teY = trueDerivatives(pend, teX);
const sc = cfg.norm ? fitScaling(trX, trY, d) : { state: new Float32Array(d).fill(1), time: 1 };
const norm = (xs: Float32Array, ys: Float32Array, n: number) => {
  const z = new Float32Array(xs.length), t = new Float32Array(xs.length);
  for (let i = 0; i < xs.length; i++) { z[i] = xs[i]! / sc.state[i % d]!; t[i] = ys[i]! / sc.state[i % d]! / sc.time; }
  return [tf.tensor2d(z, [n, d]), tf.tensor2d(t, [n, d])] as const;
};
const [z, tz] = norm(trX, trY, cfg.samples);
const mo: ModelOptions = { dim: d, hidden: cfg.hidden, seed: 0, alpha: cfg.alpha, rehuWidth: cfg.rehu, eps: cfg.eps, centering: cfg.centering, lyapunovActivation: cfg.act, centerNominal: !!cfg.cn };
let model: (z: tf.Tensor2D) => tf.Tensor2D; let vars: tf.Variable[]; let st: ReturnType<typeof stableModel> | undefined;
if (cfg.plain) { const p = plainNetwork(mo); model = (x) => p.apply(x) as tf.Tensor2D; vars = variablesOf(p); }
else { st = stableModel(mo); const s = st; model = (x) => s.evaluate(x); vars = variablesOf(st); }
const v0 = st ? st.lyapunov.getWeights().map((w) => w.dataSync().slice()) : [];
const t0 = performance.now();
const loss = await trainModel(vars, model, z, tz, { epochs: cfg.epochs, batchSize: cfg.batch, learningRate: cfg.lr, seed: 3, label: 'train' });
const secs = (performance.now() - t0) / 1000;
const field = denormalizedField(model, sc);
const mse = tf.tidy(() => tf.mean(tf.square(tf.sub(field(tf.tensor2d(teX, [1000, d])), tf.tensor2d(teY, [1000, d])))).dataSync()[0]!);
let extra = '';
if (st) {
  const s = st;
  const active = tf.tidy(() => { const { nominal, value, gradient } = s.evaluateParts(z); return tf.mean(tf.step(tf.add(tf.sum(tf.mul(gradient, nominal), 1), tf.mul(tf.squeeze(value, [1]), s.alpha)))).dataSync()[0]!; });
  const v1 = s.lyapunov.getWeights().map((w) => w.dataSync());
  let num = 0, den = 0; v0.forEach((a, i) => a.forEach((x, j) => { num += (v1[i]![j]! - x) ** 2; den += x * x; }));
  extra = ` projActive ${(100 * active).toFixed(1)}% Vweights rel change ${Math.sqrt(num / den).toFixed(3)}`;
}
console.log(JSON.stringify(cfg), `loss ${loss.toFixed(4)} testMSE ${mse.toFixed(4)} time ${secs.toFixed(0)}s${extra}`);
