import * as tf from '@tensorflow/tfjs';
import { ConvexLayer } from 'optlayers';
import { Problem, minimize, parameter, sum, sumSquares, variable } from 'optlayers/dsl';

/**
 * The polytope of the demo, as halfplanes n'x <= h: the box -1 <= x <= 1 and
 * the cut x1 + x2 <= 1 (a pentagon). The drawing uses these; the layer below
 * states the same set in the DSL.
 */
export const HALFPLANES: readonly { readonly n: readonly [number, number]; readonly h: number }[] = [
  { n: [-1, 0], h: 1 },
  { n: [0, -1], h: 1 },
  { n: [1, 0], h: 1 },
  { n: [0, 1], h: 1 },
  { n: [1, 1], h: 1 },
];

/** Euclidean projection onto the polytope, x*(a) = argmin |x - a|^2 s.t. -1 <= x <= 1, x1 + x2 <= 1, forced onto SCS. */
export function projectionLayer(): ConvexLayer {
  const a = parameter(2, { name: 'a' });
  const x = variable(2, { name: 'x' });
  const problem = new Problem(minimize(sumSquares(x.sub(a))), [x.ge(-1), x.le(1), sum(x).le(1)]);
  return new ConvexLayer(problem, { parameters: [a], variables: [x], solver: 'scs' });
}

export interface ProjectionReadout {
  readonly a: number[];
  /** The projection x*(a). */
  readonly x: number[];
  /** The optimal value |x*(a) - a|^2. */
  readonly objective: number;
  /** jacobian[i][j] = d x*_i / d a_j, one reverse-mode pass per output (vector-Jacobian products with e_i). */
  readonly jacobian: number[][];
}

/** Solves the layer at `a` and differentiates it; every tensor is released. */
export function project(layer: ConvexLayer, a: readonly number[]): ProjectionReadout {
  return tf.tidy(() => {
    const at = tf.tensor1d(a as number[]);
    const x = Array.from(layer.apply([at])[0]!.dataSync());
    const jacobian = [0, 1].map((i) => {
      const e = tf.tensor1d(i === 0 ? [1, 0] : [0, 1]);
      const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(layer.apply([v])[0]!, e)))(at);
      return Array.from(g.dataSync());
    });
    const objective = x.reduce((s, xi, i) => s + (xi - a[i]!) ** 2, 0);
    return { a: [...a], x, objective, jacobian };
  });
}
