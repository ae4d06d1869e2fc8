import * as tf from '@tensorflow/tfjs';
import { Problem, minimize, parameter, sum, sumSquares, variable } from 'optlayers/dsl';
import { ConvexLayer } from 'optlayers';
import type { TourSection } from './sections.js';

/**
 * Tour: a gradient through a convex optimization layer. The projection onto
 * the probability simplex (sparsemax) is written in the DSL; tf.grad
 * differentiates a loss of its solution with respect to the scores.
 */
export const convexSection: TourSection = {
  title: 'Convex layer: gradient through a simplex projection (sparsemax)',
  async run() {
    const x = variable(4, { name: 'x' });
    const a = parameter(4, { name: 'a' });
    const problem = new Problem(minimize(sumSquares(x.sub(a))), [sum(x).eq(1), x.ge(0)]);
    const layer = new ConvexLayer(problem, { parameters: [a], variables: [x] });
    const scores = tf.tensor1d([1.2, 0.9, -0.3, 0.1]);
    const weights = tf.tensor1d([1, 0, 0, 0]);
    const [p] = layer.apply([scores]);
    const g = tf.grad((s: tf.Tensor) => tf.sum(tf.mul(weights, layer.apply([s])[0]!)))(scores);
    const fmt = (t: tf.Tensor) => `[${Array.from(t.dataSync()).map((v) => (Math.abs(v) < 5e-4 ? 0 : v).toFixed(3)).join(', ')}]`;
    console.log(`  sparsemax(${fmt(scores)}) = ${fmt(p!)}  (route: ${layer.route}, status ${layer.lastStats!.statuses[0]})`);
    console.log(`  d p[0] / d scores = ${fmt(g)}  (exact: [0.5, -0.5, 0, 0])`);
    // The same class is a tf.layers.Layer: it goes into tf.sequential / tf.model and trains with model.fit.
    const model = tf.sequential({
      layers: [tf.layers.dense({ units: 4, inputShape: [2], useBias: false, kernelInitializer: 'ones' }), new ConvexLayer(problem, { parameters: [a], variables: [x] })],
    });
    const batch = tf.tensor2d([[0.5, 0.1], [-1, 3]]);
    const probs = model.predict(batch) as tf.Tensor;
    console.log(`  in tf.sequential: input [2, 2] -> ${model.layers[1]!.getClassName()} output [${probs.shape.join(', ')}], rows sum to 1: ${fmt(probs.sum(1))}`);
    tf.dispose([scores, weights, p!, g, batch, probs]);
    model.dispose();
  },
};
