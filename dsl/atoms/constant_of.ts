import { Constant, type Expression } from '../expr/expression.js';
import type { Shape } from '../shape.js';
import { Value } from '../value.js';

/** A constant expression of `shape` holding `data` (row-major) as is: the 0/1 selection and Toeplitz maps of the structured atoms. */
export function constantOf(data: Float64Array, shape: Shape): Expression {
  return new Constant(new Value(shape, data));
}
