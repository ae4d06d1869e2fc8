import { type AffineTensor, mapRows, remapRows, stackTensors } from './affine_tensor.js';
import type { ConeConstraint } from './cone_constraint.js';

/** Entries `indices` of t (distinct indices), as a tensor of indices.length entries. */
export function pick(t: AffineTensor, indices: readonly number[]): AffineTensor {
  const map = new Int32Array(t.size).fill(-1);
  indices.forEach((r, j) => (map[r] = j));
  return remapRows(t, indices.length, map);
}

/**
 * A constant linear map given by its terms: output row `out[k]` receives
 * coef[k] * entry `input[k]` of t. Used for differences and groupings along an axis.
 */
export function linearMap(t: AffineTensor, outSize: number, terms: readonly { input: number; out: number; coef: number }[]): AffineTensor {
  const sorted = [...terms].sort((a, b) => a.input - b.input);
  const ptr = new Int32Array(t.size + 1);
  for (const s of sorted) ptr[s.input + 1]!++;
  for (let r = 0; r < t.size; r++) ptr[r + 1]! += ptr[r]!;
  return mapRows(t, outSize, ptr, Int32Array.from(sorted, (s) => s.out), Float64Array.from(sorted, (s) => s.coef));
}

/** Power cones (x_k, y_k, z_k) in K_{alpha_k} for size-1 tensors listed triple by triple, as one cone constraint. */
export function powerConeTriples(triples: readonly (readonly [AffineTensor, AffineTensor, AffineTensor, number])[]): ConeConstraint {
  return {
    cone: 'power',
    expr: stackTensors(triples.flatMap(([x, y, z]) => [x, y, z])),
    alphas: triples.map((t) => t[3]),
  };
}
