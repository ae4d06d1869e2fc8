/**
 * n-link pendulum: learn the dynamics with a plain network and with the
 * Lyapunov-stable `StableDynamics` layer (Manek & Kolter, NeurIPS 2019), then
 * compare long RK4 rollouts against the true (damped, stable) system, from
 * states near rest and from states just outside the training box.
 *
 *   npx tsx examples/pendulum/main.ts [--links 2] [--epochs 40] [--seed 0] [--out pendulum_out]
 *       [--samples 4000] [--rollouts 1000] [--steps 1000] [--batch 256] [--lr 0.003]
 *       [--hidden 64] [--alpha 0.01] [--rehu 1] [--eps 0.01] [--centering tangent]
 *       [--center-nominal 1]
 *   (from the repository: npx tsx --conditions=optlayers-source examples/pendulum/main.ts ...)
 *
 * Both models see normalized states z = x / s and predict zdot / c (s: the
 * training states' RMS per coordinate, c: RMS of zdot), a diagonal change of
 * coordinates and of time that keeps the Lyapunov guarantee (in x: V(x / s)
 * decays at rate c alpha).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { selectBackend, type LyapunovCentering } from 'optlayers';
import { ProgressBar } from '../common/progress.js';
import { SeededRandom } from '../common/random.js';
import { renderSvg, type Panel } from '../common/svg_plot.js';
import { checkLyapunov } from './lyapunov_check.js';
import { rolloutModel } from './model_rollout.js';
import { denormalizedField, plainNetwork, stableModel, variablesOf, type ModelOptions } from './models.js';
import { defaultPendulum, Pendulum } from './pendulum_dynamics.js';
import { rolloutStats, trueRollouts } from './rollout_stats.js';
import { fitScaling, sampleBox, sampleShell, trueDerivatives, type StateScaling } from './training_data.js';
import { trainModel } from './training.js';

interface Options {
  links: number;
  epochs: number;
  seed: number;
  out: string;
  samples: number;
  rollouts: number;
  steps: number;
  batch: number;
  lr: number;
  hidden: number;
  alpha: number;
  rehu: number;
  eps: number;
  centering: LyapunovCentering;
  'center-nominal': number;
}

const INTEGER_FLAGS = new Set(['links', 'epochs', 'seed', 'samples', 'rollouts', 'steps', 'batch', 'hidden', 'center-nominal']);

function parseArgs(argv: string[]): Options {
  const opts: Options = {
    links: 2, epochs: 40, seed: 0, out: 'pendulum_out', samples: 4000, rollouts: 1000, steps: 1000, batch: 256, lr: 3e-3,
    hidden: 64, alpha: 0.01, rehu: 1, eps: 1e-2, centering: 'tangent', 'center-nominal': 1,
  };
  const record = opts as unknown as Record<string, number | string>;
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i]!.replace(/^--/, '');
    const value = argv[i + 1];
    if (!(key in opts) || value === undefined) throw new Error(`unknown or incomplete flag '${argv[i]}'; flags: ${Object.keys(opts).map((k) => `--${k}`).join(' ')}`);
    if (key === 'out') opts.out = value;
    else if (key === 'centering') {
      if (value !== 'value' && value !== 'tangent') throw new Error(`--centering must be 'value' or 'tangent', got '${value}'`);
      opts.centering = value;
    } else {
      const v = Number(value);
      if (INTEGER_FLAGS.has(key) ? !(Number.isInteger(v) && v >= 0) : !(v > 0)) throw new Error(`--${key} must be a ${INTEGER_FLAGS.has(key) ? 'non-negative integer' : 'positive number'}, got '${value}'`);
      record[key] = v;
    }
  }
  if (opts.links < 1 || opts.rollouts < 1 || opts.steps < 1 || opts.samples < 1 || opts.batch < 1) throw new Error('--links, --rollouts, --steps, --samples and --batch must be at least 1');
  return opts;
}

function normalized(xs: Float32Array, xdots: Float32Array, scaling: StateScaling): [tf.Tensor2D, tf.Tensor2D] {
  const d = scaling.state.length;
  const z = new Float32Array(xs.length);
  const target = new Float32Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    z[i] = xs[i]! / scaling.state[i % d]!;
    target[i] = xdots[i]! / scaling.state[i % d]! / scaling.time;
  }
  return [tf.tensor2d(z, [xs.length / d, d]), tf.tensor2d(target, [xs.length / d, d])];
}

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
const opts = parseArgs(process.argv.slice(2));
const choice = await selectBackend();
console.log(`n-link pendulum, n = ${opts.links}; backend ${choice.backend}; seed ${opts.seed}`);
const pendulum = new Pendulum(defaultPendulum(opts.links));
const d = pendulum.dim;
const h = 0.01;

// Sanity check of the derived equations: without damping, RK4 conserves energy.
const undamped = new Pendulum(defaultPendulum(opts.links, 0));
const probe = Float64Array.from({ length: d }, (_, j) => (j < opts.links ? 0.8 : 0.3));
const probeTraj = undamped.rollout(probe, 1000, h);
console.log(`equations check: undamped energy drift over 10 s of RK4 = ${(Math.abs(undamped.energy(probeTraj.subarray(1000 * d)) - undamped.energy(probe)) / undamped.energy(probe)).toExponential(2)} (relative)`);

// Training data: states in a box of angles and velocities with their true time derivatives.
const rand = new SeededRandom(opts.seed + 1);
const qMax = 1.0;
const vMax = 2.0;
const trainX = sampleBox(opts.samples, opts.links, qMax, vMax, rand);
const trainY = trueDerivatives(pendulum, trainX);
const testX = sampleBox(1000, opts.links, qMax, vMax, rand);
const testY = trueDerivatives(pendulum, testX);
const scaling = fitScaling(trainX, trainY, d);
const [zTrain, targetTrain] = normalized(trainX, trainY, scaling);
console.log(`training data: ${opts.samples} states with |q| <= ${qMax}, |qd| <= ${vMax}; scales s = [${Array.from(scaling.state, (v) => v.toFixed(2)).join(', ')}], c = ${scaling.time.toFixed(2)}; ${opts.epochs} epochs of Adam (lr ${opts.lr}, cosine decay), batch ${opts.batch}`);

const modelOptions: ModelOptions = {
  dim: d, hidden: opts.hidden, seed: opts.seed, alpha: opts.alpha, rehuWidth: opts.rehu, eps: opts.eps,
  centering: opts.centering, lyapunovActivation: 'softplus', centerNominal: opts['center-nominal'] === 1,
};
const plain = plainNetwork(modelOptions);
const stable = stableModel(modelOptions);
const plainModel = (z: tf.Tensor2D) => plain.apply(z) as tf.Tensor2D;
const stableModelFn = (z: tf.Tensor2D) => stable.evaluate(z);
const vBefore = stable.lyapunov.getWeights().map((w) => w.dataSync().slice());

const train = async (label: string, vars: tf.Variable[], model: (z: tf.Tensor2D) => tf.Tensor2D) => {
  const t0 = performance.now();
  await trainModel(vars, model, zTrain, targetTrain, { epochs: opts.epochs, batchSize: opts.batch, learningRate: opts.lr, seed: opts.seed + 3, label });
  return (performance.now() - t0) / 1000;
};
const plainSeconds = await train('plain  ', variablesOf(plain), plainModel);
const stableSeconds = await train('stable ', variablesOf(stable), stableModelFn);
const plainField = denormalizedField(plainModel, scaling);
const stableField = denormalizedField(stableModelFn, scaling);
const testMse = (field: typeof plainField) => tf.tidy(() => tf.mean(tf.square(tf.sub(field(tf.tensor2d(testX, [1000, d])), tf.tensor2d(testY, [1000, d])))).dataSync()[0]!);
console.log(`test MSE of xdot (1000 fresh states of the box): plain ${testMse(plainField).toFixed(4)} (trained in ${plainSeconds.toFixed(1)} s), stable ${testMse(stableField).toFixed(4)} (${stableSeconds.toFixed(1)} s)`);
const projectionActive = tf.tidy(() => {
  const { nominal, value, gradient } = stable.evaluateParts(zTrain);
  return tf.mean(tf.step(tf.add(tf.sum(tf.mul(gradient, nominal), 1), tf.mul(tf.squeeze(value, [1]), stable.alpha)))).dataSync()[0]!;
});
let changeSq = 0;
let normSq = 0;
stable.lyapunov.getWeights().forEach((w, i) => w.dataSync().forEach((v, j) => ((changeSq += (v - vBefore[i]![j]!) ** 2), (normSq += vBefore[i]![j]! ** 2))));
console.log(`stable model: projection active on ${pct(projectionActive)} of training states; V's weights moved by ${(100 * Math.sqrt(changeSq / normSq)).toFixed(1)}% (relative norm)`);

// Long rollouts from states near rest and from just outside the training box.
const x0Near = sampleBox(opts.rollouts, opts.links, 0.5, 0.5, new SeededRandom(opts.seed + 2));
// Half as many from outside the box: they show the same thing and halve the cost.
const outCount = Math.max(1, Math.floor(opts.rollouts / 2));
const x0Out = sampleShell(outCount, opts.links, qMax, vMax, 1.5, new SeededRandom(opts.seed + 4));
const sets = [
  { name: `near rest (|q_i|, |qd_i| <= 0.5)`, x0: x0Near },
  { name: `outside the training box (1 to 1.5 times it)`, x0: x0Out.subarray(0, outCount * d) },
];
const results = sets.map((set) => {
  const batch = set.x0.length / d;
  const truth = trueRollouts(pendulum, set.x0, batch, opts.steps, h);
  const bar = new ProgressBar(2 * opts.steps, 'rollouts');
  const t0 = performance.now();
  const plainTraj = rolloutModel(plainField, set.x0, batch, d, opts.steps, h, (s) => bar.update(s));
  const t1 = performance.now();
  const stableTraj = rolloutModel(stableField, set.x0, batch, d, opts.steps, h, (s) => bar.update(opts.steps + s));
  const t2 = performance.now();
  return { ...set, truth, plainTraj, stableTraj, plainStepMs: (t1 - t0) / opts.steps, stableStepMs: (t2 - t1) / opts.steps };
});

for (const r of results) {
  const batch = r.x0.length / d;
  console.log(`\n${batch} rollouts of ${opts.steps} RK4 steps (h = ${h}, T = ${(opts.steps * h).toFixed(0)} s) from states ${r.name}`);
  console.log(`(RK4 step for the batch: plain ${r.plainStepMs.toFixed(1)} ms, stable ${r.stableStepMs.toFixed(1)} ms; "overshoot" = peak |x(t)| above twice the true rollout's peak, or non-finite)`);
  console.log('model            mean RMS error  median final error  max |x(t)|  overshoot  energy(T) > energy(0)');
  for (const [name, traj] of [['true system', r.truth], ['plain network', r.plainTraj], ['StableDynamics', r.stableTraj]] as const) {
    const s = rolloutStats(traj, r.truth, batch, opts.steps, pendulum);
    console.log(`${name.padEnd(16)} ${s.meanRmsError.toFixed(4).padStart(14)}  ${s.medianFinalError.toFixed(4).padStart(18)}  ${s.maxNorm.toPrecision(4).padStart(10)}  ${pct(s.fractionOvershoot).padStart(9)}  ${pct(s.fractionEnergyGrew).padStart(21)}`);
  }
  const check = checkLyapunov(stable, scaling, r.stableTraj, batch, opts.steps, h);
  Object.assign(r, { check });
  console.log(
    `stable model's V along its own rollouts: max (dV/dt + alpha V) / V = ${check.worstRate.toExponential(2)} (guarantee <= 0); ` +
      `some RK4 step raised V by > 0.1% in ${check.rolloutsWithRise} of ${batch} rollouts (largest rise ${pct(check.largestRise)}); ` +
      `V(x(T)) > V(x(0)) e^(-c alpha T) in ${check.boundBroken} of ${batch}`,
  );
}

// Plots: the near-rest rollout where the plain model ends farthest from the
// truth (outside the box the true pendulum may flip over, which no model
// trained on the box can follow).
const shown = results[0]!;
const batch = shown.x0.length / d;
let worst = 0;
let worstErr = -1;
for (let b = 0; b < batch; b++) {
  let e = 0;
  for (let j = 0; j < d; j++) e += (shown.plainTraj[(opts.steps * batch + b) * d + j]! - shown.truth[(opts.steps * batch + b) * d + j]!) ** 2;
  const err = Number.isFinite(e) ? e : Infinity;
  if (err > worstErr) [worst, worstErr] = [b, err];
}
const times = Array.from({ length: opts.steps + 1 }, (_, s) => s * h);
const pick = (traj: ArrayLike<number>, j: number) => times.map((_, s) => traj[(s * batch + worst) * d + j]!);
const panels: Panel[] = Array.from({ length: d }, (_, j) => ({
  title: j < opts.links ? `angle q${j + 1}(t), rollout ${worst}` : `angular velocity qd${j - opts.links + 1}(t), rollout ${worst}`,
  x: times,
  xLabel: 'time t [s]',
  yLabel: j < opts.links ? `q${j + 1} [rad]` : `qd${j - opts.links + 1} [rad/s]`,
  series: [
    { label: 'true', y: pick(shown.truth, j), color: '#222222' },
    { label: 'plain net', y: pick(shown.plainTraj, j), color: '#d62728', dashed: true },
    { label: 'StableDynamics', y: pick(shown.stableTraj, j), color: '#1f77b4' },
  ],
}));
mkdirSync(opts.out, { recursive: true });
const trajFile = resolve(join(opts.out, `trajectories_n${opts.links}.svg`));
writeFileSync(trajFile, renderSvg(panels, 2));
const values = (shown as unknown as { check: { values: Float32Array } }).check.values;
const vStable = times.map((_, s) => values[s * batch + worst]!);
const decayRate = scaling.time * stable.alpha;
const vFile = resolve(join(opts.out, `lyapunov_n${opts.links}.svg`));
writeFileSync(
  vFile,
  renderSvg(
    [
      {
        title: `learned V(x(t)) along the stable model's rollout ${worst}`,
        x: times,
        xLabel: 'time t [s]',
        yLabel: 'V(x(t)) [dimensionless]',
        logY: true,
        series: [
          { label: 'V along the StableDynamics rollout', y: vStable, color: '#1f77b4' },
          { label: `guaranteed bound V(0) e^(-${decayRate.toFixed(3)} t)`, y: times.map((t) => vStable[0]! * Math.exp(-decayRate * t)), color: '#2ca02c', dashed: true },
        ],
      },
    ],
    1,
  ),
);
console.log(`\nwrote ${trajFile}\nwrote ${vFile}`);
