import * as tf from '@tensorflow/tfjs';
import { init } from '../../src/index.js';
import { SeededRandom } from '../common/random.js';
import { buildAdpPolicy, lqrValueFactor, randomAdpSystem, rolloutCost, sampleRollouts } from './adp_policy.js';
await init();
const configs = [
  { noise: 1.0, radius: 1.05, inputScale: 0.5 },
  { noise: 0.5, radius: 1.2, inputScale: 0.3 },
  { noise: 1.0, radius: 1.0, inputScale: 0.2 },
  { noise: 2.0, radius: 0.95, inputScale: 0.5 },
];
for (const cfg of configs) for (const lr of [0.05, 0.2]) {
  const sys = randomAdpSystem(new SeededRandom(0), cfg);
  const policy = buildAdpPolicy(sys);
  const S = tf.variable(tf.tensor2d(Float32Array.from(lqrValueFactor(sys)), [2, 2]));
  const ev = sampleRollouts(new SeededRandom(1000), sys, 32, 25);
  const evalc = () => tf.tidy(() => rolloutCost(policy, S, ev.x0, ev.noise).dataSync()[0]!);
  const before = evalc();
  const opt = tf.train.adam(lr); const rng = new SeededRandom(1);
  for (let it = 0; it < 25; it++) { const { x0, noise } = sampleRollouts(rng, sys, 8, 25); const { value, grads } = tf.variableGrads(() => rolloutCost(policy, S, x0, noise), [S]); opt.applyGradients(grads as any); tf.dispose([x0, noise, value, grads]); }
  const after = evalc();
  console.log(JSON.stringify({ ...cfg, lr, before, after, drop: 1 - after / before, S: Array.from(S.dataSync()) }));
}
