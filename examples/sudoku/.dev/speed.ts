import * as tf from '@tensorflow/tfjs';
import { init } from '../../../src/init.js';
import { Prng } from '../prng.js';
import { generatePuzzles } from '../generator.js';
import { encodeSet, boardErrorRate } from '../encoding.js';
import { buildOptNetModel } from '../models.js';
await init();
let t = performance.now();
const rng = new Prng(1);
const pairs = generatePuzzles(rng, 600);
console.log('gen 600', performance.now() - t, 'ms');
const givens = pairs.map(p => p.puzzle.filter(d => d).length);
const hist: Record<number, number> = {}; givens.forEach(g => hist[g] = (hist[g] ?? 0) + 1); console.log(hist);
const { x, y } = encodeSet(pairs);
let iters: number[] = [];
const model = buildOptNetModel({ seed: 1, onSolve: r => iters.push(Math.max(...r.iterations)) });
for (let i = 0; i < 4; i++) {
  t = performance.now();
  const xb = x.slice([i * 150, 0], [150, 64]); const yb = y.slice([i * 150, 0], [150, 64]);
  const h = await model.fit(xb, yb, { batchSize: 150, epochs: 1, verbose: 0 });
  console.log('step', i, (performance.now() - t).toFixed(0), 'ms loss', h.history.loss, 'iters', iters);
  iters = [];
}
t = performance.now();
const pred = model.predict(x) as tf.Tensor;
console.log('predict 600', performance.now() - t, 'err', boardErrorRate(pred.dataSync(), pairs.map(p => p.puzzle)));
