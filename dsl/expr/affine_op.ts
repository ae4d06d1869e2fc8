import type { AffineTensor } from '../canon/affine_tensor.js';
import type { Shape } from '../shape.js';
import type { Monotonicity, Sign } from './sign.js';

/**
 * One affine operator (add, matmul, slice, ...): a small object answering the
 * same local questions an atom answers, plus `linearize`, which maps the
 * arguments' affine tensors to the result's. DCP composition is not here:
 * it lives once in `analysis/dcp.ts`.
 */
export interface AffineOp<D = undefined> {
  /** Short name used in messages. */
  readonly name: string;
  /**
   * Set for the bilinear operators. DCP/DPP then require one factor to be
   * constant (or, under DPP, parameter-affine with the other parameter-free);
   * for 'divide' the divisor must be constant and, under DPP, parameter-free.
   */
  readonly product?: 'multiply' | 'divide';
  /** The output shape; throws `ShapeError` naming the operands. */
  shape(argShapes: readonly Shape[], data: D, argNames: readonly string[]): Shape;
  /** Numeric value (row-major) from the arguments' values. */
  evaluate(args: readonly Float64Array[], argShapes: readonly Shape[], data: D, outShape: Shape): Float64Array;
  /** The result's affine tensor from the arguments' tensors. */
  linearize(args: readonly AffineTensor[], argShapes: readonly Shape[], data: D, outShape: Shape): AffineTensor;
  /** Monotonicity in argument i (products derive theirs from the other factor's sign in the analysis). */
  monotonicity(i: number, argSigns: readonly Sign[], data: D): Monotonicity;
  /** Sign of the result given the arguments' signs. */
  sign(argSigns: readonly Sign[], data: D): Sign;
  /** Text of the node given its arguments' texts. */
  format(args: readonly string[], data: D): string;
}
