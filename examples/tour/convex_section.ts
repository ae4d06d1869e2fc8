import * as tf from '@tensorflow/tfjs';
import { Problem, minimize, parameter, sum, sumSquares, variable } from '../../dsl/index.js';
import { ConvexLayer } from '../../src/convex/index.js';
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
    tf.dispose([scores, weights, p!, g]);
  },
};
