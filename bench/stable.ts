/**
 * `npm run bench -- stable [--batch 2000] [--repeats 10] [--dim 4]`: forward +
 * backward time per batch for the `StableDynamics` model against a plain
 * network of the same nominal architecture, i.e. the overhead of the inner
 * grad V and the projection, and the forward-only time (one vector-field
 * evaluation, what each RK4 stage of a rollout costs). Prints one JSON
 * object per case with the median, quartiles, min and max of `--repeats`
 * timed runs after one untimed warm-up (`timings`, milliseconds).
 */
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/backend.js';
import { stableDynamics } from '../src/stable/index.js';
import { positiveIntFlag } from './common/flags.js';
import { machineInfo } from './common/machine.js';
import { summarize, type Summary } from './common/stats.js';

/** Milliseconds of each of `reps` runs of `step`, after one warm-up run. */
function timeRuns(step: () => void, reps: number): number[] {
  step();
  const times: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    step();
    times.push(performance.now() - t0);
  }
  return times;
}

function timeForward(field: (x: tf.Tensor2D) => tf.Tensor2D, x: tf.Tensor2D, reps: number): number[] {
  return timeRuns(() => tf.tidy(() => void field(x).dataSync()), reps);
}

function timeSteps(vars: tf.Variable[], field: (x: tf.Tensor2D) => tf.Tensor2D, x: tf.Tensor2D, y: tf.Tensor2D, reps: number): number[] {
  const step = () =>
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(tf.sub(field(x), y))) as tf.Scalar, vars);
      // Reading one gradient forces the backend to finish the work.
      Object.values(grads)[0]!.dataSync();
      value.dataSync();
    });
  return timeRuns(step, reps);
}

export async function main(args: string[]): Promise<void> {
  const choice = await selectBackend();
  const batch = positiveIntFlag(args, 'batch', 2000);
  const reps = positiveIntFlag(args, 'repeats', 10);
  const d = positiveIntFlag(args, 'dim', 4);
  const hidden = [64, 64];
  const x = tf.randomNormal([batch, d], 0, 1, 'float32', 1) as tf.Tensor2D;
  const y = tf.randomNormal([batch, d], 0, 1, 'float32', 2) as tf.Tensor2D;

  const plain = tf.sequential({
    layers: [...hidden.map((units, i) => tf.layers.dense({ units, activation: 'tanh', ...(i === 0 ? { inputShape: [d] } : {}) })), tf.layers.dense({ units: d })],
  });
  const stable = stableDynamics({ nominalUnits: hidden, lyapunovArgs: { hiddenUnits: hidden }, seed: 0 });
  stable.build([null, d]);

  const cases = [
    { model: 'plain', vars: plain.trainableWeights, field: (v: tf.Tensor2D) => plain.apply(v) as tf.Tensor2D },
    { model: 'stable', vars: stable.trainableWeights, field: (v: tf.Tensor2D) => stable.evaluate(v) },
  ];
  const results: Record<string, Summary> = {};
  for (const c of cases) {
    const t = summarize(timeSteps(c.vars.map((w) => w.read() as tf.Variable), c.field, x, y, reps));
    results[c.model] = t;
    const common = { model: c.model, backend: choice.backend, batch, stateDim: d, hidden, repeats: reps };
    console.log(JSON.stringify({ bench: 'stable', case: 'forward_backward', ...common, timings: { step_ms: t }, machine: machineInfo() }));
    const f = summarize(timeForward(c.field, x, reps));
    console.log(JSON.stringify({ bench: 'stable', case: 'forward', ...common, timings: { fwd_ms: f }, machine: machineInfo() }));
  }
  // Ratio of medians: the overhead of the projection and the inner gradient per training step.
  const ratio = results['stable']!.median / results['plain']!.median;
  console.log(JSON.stringify({ bench: 'stable', case: 'overhead', backend: choice.backend, batch, stateDim: d, stableOverPlainMedian: +ratio.toFixed(2), machine: machineInfo() }));
  tf.dispose([x, y]);
}
