import {
  type AffineTensor,
  addTensors,
  constantTensor,
  interleaveTensors,
  scaleTensor,
  stackTensors,
  sumTensor,
} from './affine_tensor.js';
import type { ConeConstraint } from './cone_constraint.js';

/** Sum of affine tensors (size-1 operands broadcast); the small algebra canonicalizers are written in. */
export function plus(...terms: AffineTensor[]): AffineTensor {
  return addTensors(terms, Math.max(...terms.map((t) => t.size)));
}

/** a - b (size-1 operands broadcast). */
export function minus(a: AffineTensor, b: AffineTensor): AffineTensor {
  return addTensors([a, b], Math.max(a.size, b.size), [1, -1]);
}

/** s * a for a number s. */
export function times(a: AffineTensor, s: number): AffineTensor {
  return scaleTensor(a, s);
}

/** A constant tensor of `size` entries all equal to `value`. */
export function filled(value: number, size = 1): AffineTensor {
  return constantTensor(new Float64Array(size).fill(value));
}

/** Sum of all entries of a, as a size-1 tensor. */
export function total(a: AffineTensor): AffineTensor {
  return sumTensor(a);
}

/** a >= 0. */
export function nonnegCone(a: AffineTensor): ConeConstraint {
  return { cone: 'nonneg', expr: a };
}

/** a == 0. */
export function zeroCone(a: AffineTensor): ConeConstraint {
  return { cone: 'zero', expr: a };
}

/** |u|_2^2 <= t y with t + y >= 0, as one SOC (t + y, t - y, 2u) (t, y scalar). */
export function quadOverLinCone(u: AffineTensor, y: AffineTensor, t: AffineTensor): ConeConstraint {
  const expr = stackTensors([plus(t, y), minus(t, y), u], [1, 1, 2]);
  return { cone: 'soc', expr, sizes: [expr.size] };
}

/** u_i^2 <= t_i y_i entrywise, as `count` SOCs of size 3 (t_i + y_i, t_i - y_i, 2 u_i). */
export function elementwiseQuadOverLinCones(u: AffineTensor, y: AffineTensor, t: AffineTensor, count: number): ConeConstraint {
  const expr = interleaveTensors([plus(t, y), minus(t, y), times(u, 2)], count);
  return { cone: 'soc', expr, sizes: new Array(count).fill(3) };
}

/** (x_i, y_i, z_i) in the exponential cone (y e^(x/y) <= z), entrywise over `count` triples. */
export function expCones(x: AffineTensor, y: AffineTensor, z: AffineTensor, count: number): ConeConstraint {
  return { cone: 'exp', expr: interleaveTensors([x, y, z], count) };
}

/** (x_i, y_i, z_i) in the power cone x^a y^(1-a) >= |z|, entrywise over `count` triples. */
export function powerCones(x: AffineTensor, y: AffineTensor, z: AffineTensor, alpha: number, count: number): ConeConstraint {
  return { cone: 'power', expr: interleaveTensors([x, y, z], count), alphas: new Array(count).fill(alpha) };
}
