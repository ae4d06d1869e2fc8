import * as tf from '@tensorflow/tfjs';
import { optNetLayer, qp } from 'optlayers';
import type { TourSection } from './sections.js';

/**
 * Tour: a batched OptNet QP forward and backward pass. Projects four points
 * onto the probability simplex (min 1/2|z - x|^2 s.t. z >= 0, 1'z = 1, i.e.
 * Q = I, p = -x shared G = -I, h = 0, A = 1', b = 1), prints the solutions
 * and d(loss)/dx by implicit differentiation of the KKT conditions, then
 * runs an `OptNetLayer` with learned constraints on the same batch.
 */
export const qpSection: TourSection = {
  title: 'OptNet: a batched QP layer, forward and backward',
  async run() {
    const n = 3;
    tf.tidy(() => {
      const x = tf.tensor2d([[0.2, 0.5, 0.1], [2, 0, -1], [-1, -1, -1], [0.9, 0.8, -0.4]]);
      const Q = tf.eye(n);
      const G = tf.neg(tf.eye(n));
      const h = tf.zeros([n]);
      const A = tf.ones([1, n]);
      const b = tf.ones([1]);
      const project = (xs: tf.Tensor) => qp(Q, tf.neg(xs), G, h, A, b);
      const target = tf.tensor1d([1, 0, 0]);
      const loss = (xs: tf.Tensor) => tf.sum(tf.square(tf.sub(project(xs), target)));
      const { value, grad } = tf.valueAndGrad(loss)(x);
      const z = project(x);
      console.log('   projection of 4 points onto the simplex (batch 4, n 3, 3 inequalities, 1 equality):');
      for (const [i, row] of (z.arraySync() as number[][]).entries()) {
        console.log(`     x = [${(x.arraySync() as number[][])[i]!.map((v) => v.toFixed(2)).join(', ')}] -> z* = [${row.map((v) => v.toFixed(4)).join(', ')}]`);
      }
      console.log(`   loss |z* - e1|^2 summed = ${value.dataSync()[0]!.toFixed(4)}; d loss / d x[0] = [${Array.from(grad.dataSync().slice(0, n)).map((v) => v.toFixed(4)).join(', ')}]`);
      const layer = optNetLayer({ nVariables: n, nIneq: 4, nEq: 1, seed: 1 });
      const [gp] = tf.grads((p: tf.Tensor) => tf.sum(layer.apply(p) as tf.Tensor))([tf.neg(x)]);
      console.log(`   OptNetLayer (learned Q, G, h, A, b): ${layer.countParams()} parameters; d sum(z*) / d p[0] = [${Array.from(gp!.dataSync().slice(0, n)).map((v) => v.toFixed(4)).join(', ')}]`);
      layer.dispose();
    });
  },
};
