import { mapRows } from '../canon/affine_tensor.js';
import type { AffineOp } from '../expr/affine_op.js';
import { UNKNOWN_SIGN } from '../expr/sign.js';
import { type Shape, formatShape, shapeSize } from '../shape.js';
import { ShapeError } from '../../solvers/errors.js';

/** Axis along which cumsum/diff run; `k` is diff's order. */
export interface AxisData {
  readonly axis: number;
  readonly k: number;
}

/** Length along the axis, stride between consecutive entries along it, and the number of independent lines. */
function lines(shape: Shape, axis: number, what: string): { len: number; stride: number; starts: number[] } {
  if (shape.length === 0) throw new ShapeError(`${what} needs a vector or matrix, got a scalar`);
  if (!(axis === 0 || (axis === 1 && shape.length === 2))) throw new ShapeError(`${what}: axis ${axis} does not exist for shape ${formatShape(shape)}`);
  if (shape.length === 1) return { len: shape[0]!, stride: 1, starts: [0] };
  const [m, n] = shape as [number, number];
  if (axis === 0) return { len: m, stride: n, starts: Array.from({ length: n }, (_, j) => j) };
  return { len: n, stride: 1, starts: Array.from({ length: m }, (_, i) => i * n) };
}

/**
 * Builds the constant linear map (CSR by input entry) of a line operator
 * given as a dense len_out x len matrix `coef(o, i)`.
 */
function lineMap(shape: Shape, outShape: Shape, axis: number, lenOut: number, coef: (o: number, i: number) => number) {
  const { len, stride, starts } = lines(shape, axis, 'line map');
  const outStride = shape.length === 1 || axis === 1 ? 1 : outShape[1]!;
  const outStarts = starts.map((s) => (shape.length === 2 && axis === 1 ? (s / shape[1]!) * outShape[1]! : s));
  const perIn: { o: number; c: number }[][] = Array.from({ length: shapeSize(shape) }, () => []);
  starts.forEach((s, li) => {
    for (let i = 0; i < len; i++) {
      for (let o = 0; o < lenOut; o++) {
        const c = coef(o, i);
        if (c !== 0) perIn[s + i * stride]!.push({ o: outStarts[li]! + o * outStride, c });
      }
    }
  });
  const ptr = new Int32Array(perIn.length + 1);
  perIn.forEach((l, r) => (ptr[r + 1] = ptr[r]! + l.length));
  const out = new Int32Array(ptr[perIn.length]!);
  const cf = new Float64Array(out.length);
  perIn.forEach((l, r) => l.forEach((e, q) => ((out[ptr[r]! + q] = e.o), (cf[ptr[r]! + q] = e.c))));
  return { ptr, out, cf };
}

function binomial(k: number, j: number): number {
  let b = 1;
  for (let t = 1; t <= j; t++) b = (b * (k - t + 1)) / t;
  return b;
}

/** Cumulative sum along an axis: y_o = sum_{i <= o} x_i. Increasing. */
export const cumsumOp: AffineOp<AxisData> = {
  name: 'cumsum',
  shape(shapes, d, names) {
    lines(shapes[0]!, d.axis, `cumsum of ${names[0]}`);
    return shapes[0]!;
  },
  evaluate(args, shapes, d) {
    const { len, stride, starts } = lines(shapes[0]!, d.axis, 'cumsum');
    const out = args[0]!.slice();
    for (const s of starts) for (let i = 1; i < len; i++) out[s + i * stride]! += out[s + (i - 1) * stride]!;
    return out;
  },
  linearize(args, shapes, d, outShape) {
    const len = lines(shapes[0]!, d.axis, 'cumsum').len;
    const { ptr, out, cf } = lineMap(shapes[0]!, outShape, d.axis, len, (o, i) => (i <= o ? 1 : 0));
    return mapRows(args[0]!, shapeSize(outShape), ptr, out, cf);
  },
  monotonicity: () => 'increasing',
  sign: (signs) => signs[0]!,
  format: (args, d) => `cumsum(${args[0]}${d.axis ? ', axis=1' : ''})`,
};

/** k-th order difference along an axis: y_o = sum_j (-1)^(k-j) C(k, j) x_{o+j}. Not monotone. */
export const diffOp: AffineOp<AxisData> = {
  name: 'diff',
  shape(shapes, d, names) {
    const s = shapes[0]!;
    const { len } = lines(s, d.axis, `diff of ${names[0]}`);
    if (!Number.isInteger(d.k) || d.k < 1 || d.k >= len) {
      throw new ShapeError(`diff of ${names[0]}: order ${d.k} must be an integer in [1, ${len - 1}] for length ${len}`);
    }
    if (s.length === 1) return [len - d.k];
    return d.axis === 0 ? [s[0]! - d.k, s[1]!] : [s[0]!, s[1]! - d.k];
  },
  evaluate(args, shapes, d, outShape) {
    const s = shapes[0]!;
    const { len, stride, starts } = lines(s, d.axis, 'diff');
    const out = new Float64Array(shapeSize(outShape));
    const outStride = s.length === 1 || d.axis === 1 ? 1 : outShape[1]!;
    starts.forEach((st) => {
      const os = s.length === 2 && d.axis === 1 ? (st / s[1]!) * outShape[1]! : st;
      for (let o = 0; o < len - d.k; o++) {
        let v = 0;
        for (let j = 0; j <= d.k; j++) v += (d.k - j) % 2 === 0 ? binomial(d.k, j) * args[0]![st + (o + j) * stride]! : -binomial(d.k, j) * args[0]![st + (o + j) * stride]!;
        out[os + o * outStride] = v;
      }
    });
    return out;
  },
  linearize(args, shapes, d, outShape) {
    const len = lines(shapes[0]!, d.axis, 'diff').len;
    const { ptr, out, cf } = lineMap(shapes[0]!, outShape, d.axis, len - d.k, (o, i) => {
      const j = i - o;
      if (j < 0 || j > d.k) return 0;
      return ((d.k - j) % 2 === 0 ? 1 : -1) * binomial(d.k, j);
    });
    return mapRows(args[0]!, shapeSize(outShape), ptr, out, cf);
  },
  monotonicity: () => 'none',
  sign: () => UNKNOWN_SIGN,
  format: (args, d) => `diff(${args[0]}${d.k !== 1 ? `, k=${d.k}` : ''}${d.axis ? ', axis=1' : ''})`,
};
