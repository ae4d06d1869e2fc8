import { AffineTensor } from '../canon/affine_tensor.js';
import type { AffineOp } from '../expr/affine_op.js';
import { type Shape, formatShape, shapeSize } from '../shape.js';
import { ShapeError } from '../../solvers/errors.js';

/** Row-major reshape: flat entries are unchanged, only the shape changes. Increasing. */
export const reshapeOp: AffineOp<Shape> = {
  name: 'reshape',
  shape(shapes, target, names) {
    if (shapeSize(target) !== shapeSize(shapes[0]!)) {
      throw new ShapeError(`reshape of ${names[0]}: shape ${formatShape(shapes[0]!)} cannot become ${formatShape(target)} (different sizes)`);
    }
    return target;
  },
  evaluate: (args) => args[0]!.slice(),
  linearize: (args) => {
    const t = args[0]!;
    return new AffineTensor(t.size, t.rows, t.xcols, t.tcols, t.vals);
  },
  monotonicity: () => 'increasing',
  sign: (signs) => signs[0]!,
  format: (args, target) => `reshape(${args[0]}, ${formatShape(target)})`,
};
