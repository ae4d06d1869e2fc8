/**
 * `npm run bench -- stable [--batch 2000] [--reps 10 | --repeats 10] [--dim 4]`: forward +
 * backward time per batch for the `StableDynamics` model against a plain
 * network of the same nominal architecture, i.e. the overhead of the inner
 * grad V and the projection, and the forward-only time (one vector-field
 * evaluation, what each RK4 stage of a rollout costs). Prints one JSON
 * object per case.
 */
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/backend.js';
import { stableDynamics } from '../src/stable/index.js';

function flag(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : fallback;
}

function timeForward(field: (x: tf.Tensor2D) => tf.Tensor2D, x: tf.Tensor2D, reps: number): { meanMs: number; minMs: number } {
  const step = () => tf.tidy(() => void field(x).dataSync());
  step();
  const times: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    step();
    times.push(performance.now() - t0);
  }
  return { meanMs: times.reduce((a, b) => a + b, 0) / reps, minMs: Math.min(...times) };
}

function timeSteps(vars: tf.Variable[], field: (x: tf.Tensor2D) => tf.Tensor2D, x: tf.Tensor2D, y: tf.Tensor2D, reps: number): { meanMs: number; minMs: number } {
  const step = () =>
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(tf.sub(field(x), y))) as tf.Scalar, vars);
      // Reading one gradient forces the backend to finish the work.
      Object.values(grads)[0]!.dataSync();
      value.dataSync();
    });
  step();
  const times: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    step();
    times.push(performance.now() - t0);
  }
  return { meanMs: times.reduce((a, b) => a + b, 0) / reps, minMs: Math.min(...times) };
}

export async function main(args: string[]): Promise<void> {
  const choice = await selectBackend();
  const batch = flag(args, 'batch', 2000);
  const reps = flag(args, 'reps', flag(args, 'repeats', 10));
  const d = flag(args, 'dim', 4);
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
  const results: Record<string, number> = {};
  for (const c of cases) {
    const t = timeSteps(c.vars.map((w) => w.read() as tf.Variable), c.field, x, y, reps);
    results[c.model] = t.meanMs;
    console.log(JSON.stringify({ bench: 'stable', case: 'forward_backward', model: c.model, backend: choice.backend, batch, stateDim: d, hidden, reps, meanMs: +t.meanMs.toFixed(2), minMs: +t.minMs.toFixed(2) }));
    const f = timeForward(c.field, x, reps);
    console.log(JSON.stringify({ bench: 'stable', case: 'forward', model: c.model, backend: choice.backend, batch, stateDim: d, hidden, reps, meanMs: +f.meanMs.toFixed(2), minMs: +f.minMs.toFixed(2) }));
  }
  console.log(JSON.stringify({ bench: 'stable', case: 'overhead', backend: choice.backend, batch, stateDim: d, stableOverPlain: +(results['stable']! / results['plain']!).toFixed(2) }));
  tf.dispose([x, y]);
}
