/**
 * n-link pendulum: learn the dynamics with a plain network and with the
 * Lyapunov-stable `StableDynamics` layer (Manek & Kolter, NeurIPS 2019), then
 * compare long RK4 rollouts against the true (damped, stable) system.
 *
 *   npx tsx examples/pendulum/main.ts [--links 2] [--epochs 30] [--seed 0] [--out pendulum_out]
 *                                     [--samples 4000] [--rollouts 1000] [--steps 1000] [--rehu 1]
 *
 * --rehu is the width d of the smoothed ReLU in V: a small d makes V's Hessian
 * (and so the projected field) stiff near g(x) = g(0), which RK4 with h = 0.01
 * resolves poorly.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/backend.js';
import { StableDynamics, stableDynamics } from '../../src/stable/index.js';
import { ProgressBar } from '../common/progress.js';
import { rolloutModel, type VectorField } from './model_rollout.js';
import { defaultPendulum, Pendulum } from './pendulum_dynamics.js';
import { linePlotSvg, type Series } from './svg_plot.js';

interface Options {
  links: number;
  epochs: number;
  seed: number;
  out: string;
  samples: number;
  rollouts: number;
  steps: number;
  rehu: number;
}

function parseArgs(argv: string[]): Options {
  const opts: Options = { links: 2, epochs: 30, seed: 0, out: 'pendulum_out', samples: 4000, rollouts: 1000, steps: 1000, rehu: 1 };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i]!.replace(/^--/, '');
    const value = argv[i + 1];
    if (!(key in opts) || value === undefined) throw new Error(`unknown or incomplete flag '${argv[i]}'; flags: ${Object.keys(opts).map((k) => `--${k}`).join(' ')}`);
    if (key === 'out') opts.out = value;
    else {
      const v = Number(value);
      if (key === 'rehu') {
        if (!(v > 0)) throw new Error(`--rehu must be a positive number, got '${value}'`);
        opts.rehu = v;
        continue;
      }
      if (!Number.isInteger(v) || v < 0) throw new Error(`--${key} must be a non-negative integer, got '${value}'`);
      (opts as unknown as Record<string, number>)[key] = v;
    }
  }
  if (opts.links < 1) throw new Error('--links must be at least 1');
  return opts;
}

/** Small seeded PRNG (mulberry32) so data and initial states are reproducible. */
function rng(seed: number): () => number {
  let a = seed >>> 0 || 0x9e3779b9;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** States uniform in the box |q_i| <= qMax, |qd_i| <= vMax. */
function sampleBox(count: number, links: number, qMax: number, vMax: number, rand: () => number): Float32Array {
  const d = 2 * links;
  const xs = new Float32Array(count * d);
  for (let i = 0; i < count; i++) for (let j = 0; j < d; j++) xs[i * d + j] = (2 * rand() - 1) * (j < links ? qMax : vMax);
  return xs;
}

function derivatives(pendulum: Pendulum, xs: Float32Array): Float32Array {
  const d = pendulum.dim;
  const out = new Float32Array(xs.length);
  const buf = new Float64Array(d);
  for (let i = 0; i < xs.length / d; i++) {
    pendulum.derivative(xs.subarray(i * d, (i + 1) * d), buf);
    out.set(buf, i * d);
  }
  return out;
}

async function train(label: string, vars: tf.Variable[], field: VectorField, x: tf.Tensor2D, y: tf.Tensor2D, epochs: number, seed: number): Promise<number> {
  const optimizer = tf.train.adam(3e-3);
  const batch = 128;
  const count = x.shape[0];
  const bar = new ProgressBar(epochs, label);
  const rand = rng(seed);
  let last = NaN;
  for (let epoch = 0; epoch < epochs; epoch++) {
    const order = Array.from({ length: count }, (_, i) => i).sort(() => rand() - 0.5);
    let total = 0;
    for (let start = 0; start < count; start += batch) {
      const idx = tf.tensor1d(order.slice(start, start + batch), 'int32');
      const loss = optimizer.minimize(() => tf.tidy(() => tf.mean(tf.square(tf.sub(field(tf.gather(x, idx)), tf.gather(y, idx))))) as tf.Scalar, true, vars)!;
      total += loss.dataSync()[0]! * idx.shape[0];
      tf.dispose([idx, loss]);
    }
    last = total / count;
    bar.update(epoch + 1, `mse ${last.toFixed(4)}`);
    await tf.nextFrame();
  }
  optimizer.dispose();
  return last;
}

function mse(field: VectorField, x: tf.Tensor2D, y: tf.Tensor2D): number {
  return tf.tidy(() => tf.mean(tf.square(tf.sub(field(x), y))).dataSync()[0]!);
}

interface RolloutStats {
  meanRmsError: number;
  medianFinalError: number;
  maxNorm: number;
  fractionDiverged: number;
  fractionGrown: number;
}

/** Errors against the true trajectories and growth/divergence statistics. */
function rolloutStats(traj: ArrayLike<number>, truth: Float64Array, batch: number, d: number, steps: number, divergeAt: number): RolloutStats {
  let rmsSum = 0;
  let maxNorm = 0;
  let diverged = 0;
  let grown = 0;
  const finals: number[] = [];
  for (let b = 0; b < batch; b++) {
    let errSq = 0;
    let peak = 0;
    let bad = false;
    for (let s = 0; s <= steps; s++) {
      let e = 0;
      let nrm = 0;
      for (let j = 0; j < d; j++) {
        const v = traj[(s * batch + b) * d + j]!;
        const diff = v - truth[(s * batch + b) * d + j]!;
        e += diff * diff;
        nrm += v * v;
      }
      if (!Number.isFinite(nrm)) bad = true;
      errSq += e;
      peak = Math.max(peak, Math.sqrt(nrm));
      if (s === steps) finals.push(Math.sqrt(e));
    }
    const norm = (s: number) => Math.hypot(...Array.from({ length: d }, (_, j) => traj[(s * batch + b) * d + j]!));
    if (bad || peak > divergeAt) diverged++;
    if (bad || !(norm(steps) <= norm(0))) grown++;
    rmsSum += Math.sqrt(errSq / (steps + 1));
    maxNorm = Math.max(maxNorm, bad ? Infinity : peak);
  }
  finals.sort((a, b) => a - b);
  return {
    meanRmsError: rmsSum / batch,
    medianFinalError: finals[Math.floor(batch / 2)]!,
    maxNorm,
    fractionDiverged: diverged / batch,
    fractionGrown: grown / batch,
  };
}

const opts = parseArgs(process.argv.slice(2));
const choice = await selectBackend();
console.log(`n-link pendulum, n = ${opts.links}; backend ${choice.backend}; seed ${opts.seed}`);
const pendulum = new Pendulum(defaultPendulum(opts.links));
const d = pendulum.dim;
const h = 0.01;

// Sanity check of the derived equations: without damping, RK4 conserves energy.
const undamped = new Pendulum(defaultPendulum(opts.links, 0));
const probe = Float64Array.from({ length: d }, (_, j) => (j < opts.links ? 0.8 : 0.3));
const e0 = undamped.energy(probe);
const probeTraj = undamped.rollout(probe, 1000, h);
const e1 = undamped.energy(probeTraj.subarray(1000 * d));
console.log(`equations check: undamped energy drift over 10 s of RK4 = ${(Math.abs(e1 - e0) / e0).toExponential(2)} (relative)`);

// Training data: states in a box of angles and velocities with their true time derivatives.
const rand = rng(opts.seed + 1);
const qMax = 1.0;
const vMax = 2.0;
const trainX = sampleBox(opts.samples, opts.links, qMax, vMax, rand);
const testX = sampleBox(1000, opts.links, qMax, vMax, rand);
const [xTrain, yTrain, xTest, yTest] = [
  tf.tensor2d(trainX, [opts.samples, d]),
  tf.tensor2d(derivatives(pendulum, trainX), [opts.samples, d]),
  tf.tensor2d(testX, [1000, d]),
  tf.tensor2d(derivatives(pendulum, testX), [1000, d]),
];
console.log(`training data: ${opts.samples} states with |q| <= ${qMax}, |qd| <= ${vMax}; ${opts.epochs} epochs of Adam, batch 128`);

const plain = tf.sequential({
  layers: [
    tf.layers.dense({ units: 64, activation: 'tanh', inputShape: [d], kernelInitializer: tf.initializers.glorotUniform({ seed: opts.seed }) }),
    tf.layers.dense({ units: 64, activation: 'tanh', kernelInitializer: tf.initializers.glorotUniform({ seed: opts.seed + 1 }) }),
    tf.layers.dense({ units: d, kernelInitializer: tf.initializers.glorotUniform({ seed: opts.seed + 2 }) }),
  ],
});
const stable: StableDynamics = stableDynamics({ alpha: 0.01, seed: opts.seed, nominalUnits: [64, 64], lyapunovArgs: { hiddenUnits: [64, 64], rehuWidth: opts.rehu, eps: 1e-2 } });
stable.build([null, d]);
const plainField: VectorField = (x) => plain.apply(x) as tf.Tensor2D;
const stableField: VectorField = (x) => stable.evaluate(x);
const plainVars = plain.trainableWeights.map((w) => w.read() as tf.Variable);
const stableVars = stable.trainableWeights.map((w) => w.read() as tf.Variable);

const tPlain = performance.now();
await train('plain  ', plainVars, plainField, xTrain, yTrain, opts.epochs, opts.seed);
const plainSeconds = (performance.now() - tPlain) / 1000;
const tStable = performance.now();
await train('stable ', stableVars, stableField, xTrain, yTrain, opts.epochs, opts.seed);
const stableSeconds = (performance.now() - tStable) / 1000;
console.log(`test mse of xdot: plain ${mse(plainField, xTest, yTest).toFixed(4)} (${plainSeconds.toFixed(1)} s), stable ${mse(stableField, xTest, yTest).toFixed(4)} (${stableSeconds.toFixed(1)} s)`);

// Long rollouts from states near rest.
const batch = opts.rollouts;
const x0 = sampleBox(batch, opts.links, 0.5, 0.5, rng(opts.seed + 2));
const truth = new Float64Array((opts.steps + 1) * batch * d);
for (let b = 0; b < batch; b++) {
  const traj = pendulum.rollout(x0.subarray(b * d, (b + 1) * d), opts.steps, h);
  for (let s = 0; s <= opts.steps; s++) truth.set(traj.subarray(s * d, (s + 1) * d), (s * batch + b) * d);
}
const rollBar = new ProgressBar(2 * opts.steps, 'rollouts');
const plainTraj = rolloutModel(plainField, x0, batch, d, opts.steps, h, (s) => s % 50 === 0 && rollBar.update(s));
const stableTraj = rolloutModel(stableField, x0, batch, d, opts.steps, h, (s) => s % 50 === 0 && rollBar.update(opts.steps + s));
let maxInit = 0;
for (let b = 0; b < batch; b++) maxInit = Math.max(maxInit, Math.hypot(...x0.subarray(b * d, (b + 1) * d)));
const divergeAt = 10 * maxInit;

// The Lyapunov guarantee along the stable model's own rollouts: the
// continuous-time condition dV/dt + alpha V <= 0 at every visited state, and
// its integrated form V(x(T)) <= V(x(0)) e^(-alpha T). (Step-to-step changes
// of V near rest are below float32 resolution of g(x) - g(0), so they are not
// compared directly.)
let worstDecrease = -Infinity;
const vStart = new Float32Array(batch);
const vEnd = new Float32Array(batch);
for (let s = 0; s <= opts.steps; s = s === opts.steps ? s + 1 : Math.min(s + 10, opts.steps)) {
  tf.tidy(() => {
    const x = tf.tensor2d(stableTraj.subarray(s * batch * d, (s + 1) * batch * d), [batch, d]);
    const { f, value, gradient } = stable.evaluateParts(x);
    const excess = tf.div(tf.add(tf.sum(tf.mul(gradient, f), 1, true), tf.mul(value, stable.alpha)), tf.add(value, 1e-12));
    worstDecrease = Math.max(worstDecrease, tf.max(excess).dataSync()[0]!);
    if (s === 0) vStart.set(value.dataSync());
    if (s === opts.steps) vEnd.set(value.dataSync());
  });
}
const vSteps = new Float32Array((opts.steps + 1) * batch);
for (let s = 0; s <= opts.steps; s++) {
  tf.tidy(() => vSteps.set(stable.lyapunov.evaluate(tf.tensor2d(stableTraj.subarray(s * batch * d, (s + 1) * batch * d), [batch, d])).dataSync(), s * batch));
}
let vJumped = 0;
let worstJump = 0;
for (let b = 0; b < batch; b++) {
  let jumped = false;
  for (let s = 1; s <= opts.steps; s++) {
    const prev = vSteps[(s - 1) * batch + b]!;
    const rel = (vSteps[s * batch + b]! - prev) / Math.max(prev, 1e-4);
    worstJump = Math.max(worstJump, rel);
    if (rel > 1e-3) jumped = true;
  }
  if (jumped) vJumped++;
}
let vBoundBroken = 0;
const decay = Math.exp(-stable.alpha * opts.steps * h);
for (let b = 0; b < batch; b++) if (vEnd[b]! > vStart[b]! * decay * (1 + 1e-3) + 1e-7) vBoundBroken++;

const rows = [
  ['true system', rolloutStats(truth, truth, batch, d, opts.steps, divergeAt)],
  ['plain network', rolloutStats(plainTraj, truth, batch, d, opts.steps, divergeAt)],
  ['StableDynamics', rolloutStats(stableTraj, truth, batch, d, opts.steps, divergeAt)],
] as const;
console.log(`\n${batch} rollouts of ${opts.steps} RK4 steps (h = ${h}) from |q_i|, |qd_i| <= 0.5; diverged = max |x(t)| > ${divergeAt.toFixed(2)} (10x the largest |x(0)|) or non-finite`);
console.log('model            mean RMS error  median final error  max |x(t)|  diverged  |x(T)| > |x(0)|');
for (const [name, s] of rows) {
  console.log(
    `${name.padEnd(16)} ${s.meanRmsError.toFixed(4).padStart(14)}  ${s.medianFinalError.toFixed(4).padStart(18)}  ${s.maxNorm.toFixed(3).padStart(10)}  ${(100 * s.fractionDiverged).toFixed(1).padStart(7)}%  ${(100 * s.fractionGrown).toFixed(1).padStart(14)}%`,
  );
}
console.log(`stable model: max over visited states of (dV/dt + alpha V) / V = ${worstDecrease.toExponential(2)} (guarantee: <= 0); V(x(T)) > V(x(0)) e^(-alpha T) in ${vBoundBroken} of ${batch} rollouts; one RK4 step raised V by > 0.1% in ${vJumped} rollouts (largest relative rise ${worstJump.toExponential(2)})`);

// Plots for the initial state where the plain model errs most.
let worst = 0;
let worstErr = -1;
for (let b = 0; b < batch; b++) {
  const s = opts.steps;
  let e = 0;
  for (let j = 0; j < d; j++) e += (plainTraj[(s * batch + b) * d + j]! - truth[(s * batch + b) * d + j]!) ** 2;
  if (!(e <= worstErr)) [worst, worstErr] = [b, Number.isFinite(e) ? e : Infinity];
}
const times = Array.from({ length: opts.steps + 1 }, (_, s) => s * h);
const pick = (traj: ArrayLike<number>, j: number) => times.map((_, s) => traj[(s * batch + worst) * d + j]!);
const angleRange: [number, number] = [-2.5, 2.5];
const panels = Array.from({ length: opts.links }, (_, j) => ({
  title: `link ${j + 1} angle q${j + 1}(t) (rollout ${worst}: the plain model's worst)`,
  xLabel: 'time t [s]',
  yLabel: `q${j + 1} [rad]`,
  yRange: angleRange,
  series: [
    { name: 'true', xs: times, ys: pick(truth, j), color: '#222222' },
    { name: 'plain net', xs: times, ys: pick(plainTraj, j), color: '#d62728', dashed: true },
    { name: 'stable', xs: times, ys: pick(stableTraj, j), color: '#1f77b4' },
  ] satisfies Series[],
}));
mkdirSync(opts.out, { recursive: true });
const trajFile = resolve(join(opts.out, `trajectories_n${opts.links}.svg`));
writeFileSync(trajFile, linePlotSvg(panels));
const vAlong = (traj: ArrayLike<number>) =>
  tf.tidy(() => Array.from(stable.lyapunov.evaluate(tf.tensor2d(times.flatMap((_, s) => Array.from({ length: d }, (_, j) => traj[(s * batch + worst) * d + j]!)), [times.length, d])).dataSync()));
const vStable = vAlong(stableTraj);
const vFile = resolve(join(opts.out, `lyapunov_n${opts.links}.svg`));
writeFileSync(
  vFile,
  linePlotSvg([
    {
      title: `learned V along rollout ${worst} (log scale)`,
      xLabel: 'time t [s]',
      yLabel: 'V(x(t))',
      logY: true,
      series: [
        { name: 'stable model', xs: times, ys: vStable, color: '#1f77b4' },
        { name: 'true system', xs: times, ys: vAlong(truth), color: '#222222' },
        { name: `V(0) e^(-${stable.alpha} t)`, xs: times, ys: times.map((t) => vStable[0]! * Math.exp(-stable.alpha * t)), color: '#2ca02c', dashed: true },
      ],
    },
  ]),
);
console.log(`\nwrote ${trajFile}\nwrote ${vFile}`);
