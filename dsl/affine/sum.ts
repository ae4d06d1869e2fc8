import { mapRows, sumTensor } from '../canon/affine_tensor.js';
import type { AffineOp } from '../expr/affine_op.js';
import { type Shape, formatShape } from '../shape.js';
import { ShapeError } from '../../solvers/errors.js';

/** `axis: null` sums everything; on a matrix axis 0 sums down the rows (giving n entries), axis 1 across columns (m entries). */
export interface SumData {
  readonly axis: number | null;
}

function outRowOf(shape: Shape, axis: number | null): (r: number) => number {
  if (axis === null || shape.length < 2) return () => 0;
  const n = shape[1]!;
  return axis === 0 ? (r) => r % n : (r) => Math.floor(r / n);
}

/** Sum of entries (all, or along an axis). Increasing. */
export const sumOp: AffineOp<SumData> = {
  name: 'sum',
  shape(shapes, d, names) {
    const s = shapes[0]!;
    if (d.axis === null) return [];
    if (!(d.axis === 0 || d.axis === 1) || d.axis >= Math.max(1, s.length)) {
      throw new ShapeError(`sum of ${names[0]} with shape ${formatShape(s)}: axis ${d.axis} does not exist`);
    }
    if (s.length < 2) return [];
    return d.axis === 0 ? [s[1]!] : [s[0]!];
  },
  evaluate(args, shapes, d, outShape) {
    const x = args[0]!;
    const out = new Float64Array(outShape.length === 0 ? 1 : outShape[0]!);
    const to = outRowOf(shapes[0]!, d.axis);
    for (let r = 0; r < x.length; r++) out[to(r)]! += x[r]!;
    return out;
  },
  linearize(args, shapes, d, outShape) {
    const t = args[0]!;
    if (outShape.length === 0) return sumTensor(t);
    const inSize = t.size;
    const ptr = new Int32Array(inSize + 1);
    const out = new Int32Array(inSize);
    const to = outRowOf(shapes[0]!, d.axis);
    for (let r = 0; r < inSize; r++) {
      ptr[r + 1] = r + 1;
      out[r] = to(r);
    }
    return mapRows(t, outShape[0]!, ptr, out, new Float64Array(inSize).fill(1));
  },
  monotonicity: () => 'increasing',
  sign: (signs) => signs[0]!,
  format: (args, d) => (d.axis === null ? `sum(${args[0]})` : `sum(${args[0]}, axis=${d.axis})`),
};
