/**
 * Tour section: a small deep equilibrium layer. Solves z* = tanh([z*, x] K + b)
 * for a batch with Anderson acceleration, prints the solver statistics, then
 * takes one Adam step through the implicit gradient and prints the loss change.
 */
import * as tf from '@tensorflow/tfjs';
import { deqLayer } from 'optlayers';
import type { TourSection } from './sections.js';

export const deqSection: TourSection = {
  title: 'Deep equilibrium layer (Anderson forward, implicit backward)',
  async run() {
    const batch = 32;
    const layer = deqLayer({ units: 16, forward: { solver: 'anderson', relTol: 1e-5, maxIters: 60 } });
    const head = tf.layers.dense({ units: 1 });
    const x = tf.randomNormal([batch, 8], 0, 1, 'float32', 7) as tf.Tensor2D;
    const y = tf.tidy(() => tf.sin(tf.sum(x, 1, true)));
    const loss = () => tf.losses.meanSquaredError(y, head.apply(layer.apply(x)) as tf.Tensor) as tf.Scalar;

    const before = tf.tidy(() => loss().dataSync()[0]!);
    const s = layer.lastStats!;
    console.log(
      `   forward: ${s.solver}, ${s.iterations} iterations, status ${s.status}, ` +
        `max residual ${Math.max(...s.residual).toExponential(2)} (relative ${Math.max(...s.relativeResidual).toExponential(2)}) over ${batch} samples`,
    );
    const optimizer = tf.train.adam(0.05);
    const weights = [...layer.trainableWeights, ...head.trainableWeights].map((w) => w.read() as tf.Variable);
    optimizer.minimize(loss, true, weights)?.dispose();
    const b = layer.lastBackwardStats!;
    console.log(`   backward: implicit, ${b.iterations} VJP fixed-point iterations, status ${b.status}`);
    const after = tf.tidy(() => loss().dataSync()[0]!);
    console.log(`   one Adam step: loss ${before.toFixed(4)} -> ${after.toFixed(4)}`);
    tf.dispose([x, y]);
    optimizer.dispose();
    layer.dispose();
    head.dispose();
  },
};
