import { mapRows, remapRows } from '../canon/affine_tensor.js';
import type { AffineOp } from '../expr/affine_op.js';
import { ZERO, sumSign } from '../expr/sign.js';
import { type Shape, formatShape, shapeSize } from '../shape.js';
import { ShapeError } from '../../solvers/errors.js';

function square(shape: Shape, what: string): number {
  if (shape.length !== 2 || shape[0] !== shape[1]) throw new ShapeError(`${what} needs a square matrix, got shape ${formatShape(shape)}`);
  return shape[0]!;
}

/** trace(X) = sum_i X_ii of a square matrix. Increasing. */
export const traceOp: AffineOp = {
  name: 'trace',
  shape(shapes, _d, names) {
    square(shapes[0]!, `trace of ${names[0]}`);
    return [];
  },
  evaluate(args, shapes) {
    const n = shapes[0]![0]!;
    let s = 0;
    for (let i = 0; i < n; i++) s += args[0]![i * n + i]!;
    return Float64Array.of(s);
  },
  linearize(args, shapes) {
    const n = shapes[0]![0]!;
    const ptr = new Int32Array(n * n + 1);
    for (let r = 0; r < n * n; r++) ptr[r + 1] = ptr[r]! + (r % (n + 1) === 0 ? 1 : 0);
    return mapRows(args[0]!, 1, ptr, new Int32Array(n), new Float64Array(n).fill(1));
  },
  monotonicity: () => 'increasing',
  sign: (signs) => signs[0]!,
  format: (args) => `trace(${args[0]})`,
};

/** diag(v) of a vector is the diagonal matrix; diag(X) of a square matrix is its diagonal vector. Increasing. */
export const diagOp: AffineOp = {
  name: 'diag',
  shape(shapes, _d, names) {
    const s = shapes[0]!;
    if (s.length === 1) return [s[0]!, s[0]!];
    return [square(s, `diag of ${names[0]}`)];
  },
  evaluate(args, shapes, _d, outShape) {
    const x = args[0]!;
    const out = new Float64Array(shapeSize(outShape));
    if (shapes[0]!.length === 1) {
      const n = x.length;
      for (let i = 0; i < n; i++) out[i * n + i] = x[i]!;
    } else {
      const n = shapes[0]![0]!;
      for (let i = 0; i < n; i++) out[i] = x[i * n + i]!;
    }
    return out;
  },
  linearize(args, shapes, _d, outShape) {
    const fromVector = shapes[0]!.length === 1;
    const n = fromVector ? shapes[0]![0]! : shapes[0]![1]!;
    const map = new Int32Array(shapeSize(shapes[0]!)).fill(-1);
    for (let i = 0; i < n; i++) {
      if (fromVector) map[i] = i * n + i;
      else map[i * n + i] = i;
    }
    return remapRows(args[0]!, shapeSize(outShape), map);
  },
  monotonicity: () => 'increasing',
  // Off-diagonal zeros keep a nonneg (nonpos) sign.
  sign: (signs) => sumSign([signs[0]!, ZERO]),
  format: (args) => `diag(${args[0]})`,
};
