import { matmulTensors } from '../canon/affine_tensor.js';
import type { AffineOp } from '../expr/affine_op.js';
import { UNKNOWN_SIGN, productSign } from '../expr/sign.js';
import { type Shape, asMatrix, formatShape } from '../shape.js';
import { ShapeError } from '../../solvers/errors.js';
import { paren } from './elementwise.js';

function dims(shapes: readonly Shape[]): { m: number; k: number; n: number } {
  const [m, k] = asMatrix(shapes[0]!, true);
  const [k2, n] = asMatrix(shapes[1]!, false);
  if (k !== k2) throw new ShapeError(`matmul: inner dimensions differ (${k} vs ${k2})`);
  return { m, k, n };
}

/**
 * Matrix product a @ b. A vector on the left acts as a row, on the right as a
 * column; (m x k) @ (k) is an m-vector, (k) @ (k) a scalar. Bilinear like
 * multiply. Scalars are rejected (use mul).
 */
export const matmulOp: AffineOp = {
  name: 'matmul',
  product: 'multiply',
  shape(shapes, _d, names) {
    const [a, b] = shapes as [Shape, Shape];
    if (a.length === 0 || b.length === 0) {
      throw new ShapeError(`matmul: ${a.length === 0 ? names[0] : names[1]} is a scalar; use mul for scalar products`);
    }
    const [m, k] = asMatrix(a, true);
    const [k2, n] = asMatrix(b, false);
    if (k !== k2) {
      throw new ShapeError(`matmul: ${names[0]} of shape ${formatShape(a)} and ${names[1]} of shape ${formatShape(b)} have inner dimensions ${k} and ${k2}`);
    }
    if (a.length === 1 && b.length === 1) return [];
    if (a.length === 1) return [n];
    if (b.length === 1) return [m];
    return [m, n];
  },
  evaluate(args, shapes) {
    const { m, k, n } = dims(shapes);
    const [a, b] = args as [Float64Array, Float64Array];
    const out = new Float64Array(m * n);
    for (let i = 0; i < m; i++) {
      for (let l = 0; l < k; l++) {
        const ail = a[i * k + l]!;
        if (ail === 0) continue;
        for (let j = 0; j < n; j++) out[i * n + j]! += ail * b[l * n + j]!;
      }
    }
    return out;
  },
  linearize(args, shapes) {
    const { m, k, n } = dims(shapes);
    return matmulTensors(args[0]!, m, k, args[1]!, n);
  },
  monotonicity: () => 'none',
  // Entrywise sign is only known when both factors have a known sign.
  sign: (signs) => {
    const s = productSign(signs[0]!, signs[1]!);
    return s.nonneg && s.nonpos ? s : s.nonneg || s.nonpos ? s : UNKNOWN_SIGN;
  },
  format: (args) => `${paren(args[0]!)} @ ${paren(args[1]!)}`,
};
