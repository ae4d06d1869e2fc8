import { AffineTensor, CONST, constantTensor, multiplyTensors } from '../canon/affine_tensor.js';
import type { AffineOp } from '../expr/affine_op.js';
import { productSign } from '../expr/sign.js';
import { broadcastShapes, shapeSize } from '../shape.js';
import { OptlayersError, ValueError } from '../../solvers/errors.js';
import { broadcastBinary, paren } from './elementwise.js';

/**
 * Entrywise product a .* b (scalars broadcast). Bilinear: DCP needs one
 * factor constant; DPP additionally accepts a parameter-affine factor times a
 * parameter-free one (the analysis enforces both).
 */
export const multiplyOp: AffineOp = {
  name: 'multiply',
  product: 'multiply',
  shape: (shapes, _d, names) => broadcastShapes(shapes, names, 'multiply'),
  evaluate: (args, _s, _d, outShape) => broadcastBinary(args[0]!, args[1]!, shapeSize(outShape), (x, y) => x * y),
  linearize: (args, _s, _d, outShape) => multiplyTensors(args[0]!, args[1]!, shapeSize(outShape)),
  monotonicity: () => 'none',
  sign: (signs) => productSign(signs[0]!, signs[1]!),
  format: (args) => `${paren(args[0]!)} * ${paren(args[1]!)}`,
};

/** Dense values of a tensor that must be constant (no variable, no parameter). */
export function constantValues(t: AffineTensor, what: string): Float64Array {
  const out = new Float64Array(t.size);
  for (let k = 0; k < t.nnz; k++) {
    if (t.xcols[k] !== CONST || t.tcols[k] !== CONST) throw new OptlayersError(`internal: ${what} is not constant after the DCP/DPP checks`);
    out[t.rows[k]!]! += t.vals[k]!;
  }
  return out;
}

/**
 * Entrywise quotient a ./ b (scalars broadcast). The divisor must be constant
 * and, under DPP, parameter-free (1/p is not affine in p); non-DPP problems
 * are compiled with parameters frozen to their values, so it may be one then.
 */
export const divideOp: AffineOp = {
  name: 'divide',
  product: 'divide',
  shape: (shapes, _d, names) => broadcastShapes(shapes, names, 'divide'),
  evaluate: (args, _s, _d, outShape) => broadcastBinary(args[0]!, args[1]!, shapeSize(outShape), (x, y) => x / y),
  linearize(args, _s, _d, outShape) {
    const d = constantValues(args[1]!, 'divisor');
    const inv = new Float64Array(d.length);
    for (let i = 0; i < d.length; i++) {
      if (d[i] === 0) throw new ValueError(`division by zero: divisor entry ${i} is 0`);
      inv[i] = 1 / d[i]!;
    }
    return multiplyTensors(args[0]!, constantTensor(inv), shapeSize(outShape));
  },
  monotonicity: () => 'none',
  sign: (signs) => productSign(signs[0]!, signs[1]!),
  format: (args) => `${paren(args[0]!)} / ${paren(args[1]!)}`,
};
