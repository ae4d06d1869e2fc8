import { scaleTensor } from '../canon/affine_tensor.js';
import type { AffineOp } from '../expr/affine_op.js';
import { negateSign } from '../expr/sign.js';
import { paren } from './elementwise.js';

/** -x. Decreasing. */
export const negateOp: AffineOp = {
  name: 'negate',
  shape: (shapes) => shapes[0]!,
  evaluate: (args) => args[0]!.map((v) => -v),
  linearize: (args) => scaleTensor(args[0]!, -1),
  monotonicity: () => 'decreasing',
  sign: (signs) => negateSign(signs[0]!),
  format: (args) => `-${paren(args[0]!)}`,
};
