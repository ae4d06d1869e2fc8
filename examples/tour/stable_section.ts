/**
 * Tour section: a Lyapunov-stable learned dynamics model (Manek & Kolter 2019).
 * Fits one training step on a damped oscillator and checks that the learned
 * V decreases along an RK4 rollout of the model.
 */
import * as tf from '@tensorflow/tfjs';
import { stableDynamics } from 'optlayers';
import type { TourSection } from './sections.js';

export const stableSection: TourSection = {
  title: 'Stable dynamics: xdot = fhat(x) projected so that V decreases (ICNN Lyapunov function)',
  async run() {
    const model = tf.sequential({ layers: [stableDynamics({ alpha: 0.05, seed: 0, nominalUnits: [32], lyapunovArgs: { hiddenUnits: [32] }, inputShape: [2] })] });
    model.compile({ optimizer: tf.train.adam(1e-2), loss: 'meanSquaredError' });
    // Damped oscillator qdd = -q - 0.3 qd, states in [-2, 2]^2.
    const x = tf.randomUniform([256, 2], -2, 2, 'float32', 1);
    const a = tf.tensor2d([[0, 1], [-1, -0.3]]);
    const y = tf.matMul(x, a, false, true);
    const before = (model.evaluate(x, y) as tf.Scalar).dataSync()[0]!;
    await model.fit(x, y, { epochs: 1, batchSize: 256, verbose: 0 });
    const after = (model.evaluate(x, y) as tf.Scalar).dataSync()[0]!;
    console.log(`   one training step (model.fit, second-order gradients through grad V): mse ${before.toFixed(4)} -> ${after.toFixed(4)}`);

    const layer = model.layers[0] as ReturnType<typeof stableDynamics>;
    const h = 0.05;
    let state = tf.tensor2d([[1.5, -1.0]]);
    const values: number[] = [];
    for (let s = 0; s <= 100; s++) {
      values.push(layer.lyapunov.evaluate(state).dataSync()[0]!);
      const next = tf.tidy(() => {
        const k1 = layer.evaluate(state);
        const k2 = layer.evaluate(tf.add(state, tf.mul(k1, h / 2)) as tf.Tensor2D);
        const k3 = layer.evaluate(tf.add(state, tf.mul(k2, h / 2)) as tf.Tensor2D);
        const k4 = layer.evaluate(tf.add(state, tf.mul(k3, h)) as tf.Tensor2D);
        return tf.add(state, tf.mul(tf.addN([k1, tf.mul(k2, 2), tf.mul(k3, 2), k4]), h / 6)) as tf.Tensor2D;
      });
      state.dispose();
      state = next;
    }
    const bound = values[0]! * Math.exp(-layer.alpha * 100 * h);
    const ok = values[values.length - 1]! <= bound * (1 + 1e-3);
    console.log(`   V along a 100-step RK4 rollout: ${values[0]!.toFixed(4)} -> ${values[values.length - 1]!.toExponential(3)} (bound V(0) e^(-alpha t) = ${bound.toExponential(3)}: ${ok ? 'holds' : 'VIOLATED'})`);
    if (!ok) throw new Error('stable dynamics tour: V did not decrease at the guaranteed rate');
    tf.dispose([x, a, y, state]);
  },
};
