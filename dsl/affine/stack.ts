import { TensorBuilder } from '../canon/affine_tensor.js';
import type { AffineOp } from '../expr/affine_op.js';
import { sumSign } from '../expr/sign.js';
import { type Shape, formatShape, shapeSize } from '../shape.js';
import { ShapeError } from '../../solvers/errors.js';

/** Output shape and, per argument, the output flat index of each of its entries. */
function layout(shapes: readonly Shape[], horizontal: boolean, names: readonly string[]): { shape: Shape; dest: Int32Array[] } {
  const op = horizontal ? 'hstack' : 'vstack';
  if (shapes.length === 0) throw new ShapeError(`${op} needs at least one argument`);
  const anyMatrix = shapes.some((s) => s.length === 2);
  if (horizontal && !anyMatrix) {
    // Vectors and scalars concatenate.
    let off = 0;
    const dest = shapes.map((s) => {
      const d = Int32Array.from({ length: shapeSize(s) }, (_, i) => off + i);
      off += d.length;
      return d;
    });
    return { shape: [off], dest };
  }
  // View each argument as a matrix: hstack needs equal rows, vstack equal columns.
  const mats = shapes.map((s): [number, number] => {
    if (s.length === 2) return [s[0]!, s[1]!];
    if (horizontal) {
      throw new ShapeError(`hstack: cannot mix matrices with non-matrix ${names[shapes.indexOf(s)]} of shape ${formatShape(s)}`);
    }
    return [1, shapeSize(s)];
  });
  const shared = horizontal ? mats[0]![0] : mats[0]![1];
  mats.forEach((mn, k) => {
    if ((horizontal ? mn[0] : mn[1]) !== shared) {
      throw new ShapeError(
        `${op}: ${names[k]} of shape ${formatShape(shapes[k]!)} does not match ${names[0]} of shape ${formatShape(shapes[0]!)} (${horizontal ? 'rows' : 'columns'} differ)`,
      );
    }
  });
  let total = 0;
  for (const mn of mats) total += horizontal ? mn[1] : mn[0];
  const [M, N] = horizontal ? [shared, total] : [total, shared];
  let off = 0;
  const dest = mats.map(([m, n]) => {
    const d = new Int32Array(m * n);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) d[i * n + j] = horizontal ? i * N + off + j : (off + i) * N + j;
    }
    off += horizontal ? n : m;
    return d;
  });
  return { shape: [M, N], dest };
}

function makeStack(horizontal: boolean): AffineOp {
  return {
    name: horizontal ? 'hstack' : 'vstack',
    shape: (shapes, _d, names) => layout(shapes, horizontal, names).shape,
    evaluate(args, shapes, _d, outShape) {
      const { dest } = layout(shapes, horizontal, []);
      const out = new Float64Array(shapeSize(outShape));
      args.forEach((a, k) => dest[k]!.forEach((o, i) => (out[o] = a[i]!)));
      return out;
    },
    linearize(args, shapes, _d, outShape) {
      const { dest } = layout(shapes, horizontal, []);
      let nnz = 0;
      for (const a of args) nnz += a.nnz;
      const b = new TensorBuilder(shapeSize(outShape), nnz);
      args.forEach((a, k) => {
        const d = dest[k]!;
        for (let t = 0; t < a.nnz; t++) b.push(d[a.rows[t]!]!, a.xcols[t]!, a.tcols[t]!, a.vals[t]!);
      });
      return b.build();
    },
    monotonicity: () => 'increasing',
    sign: (signs) => sumSign(signs),
    format: (args) => `${horizontal ? 'hstack' : 'vstack'}(${args.join(', ')})`,
  };
}

/** Horizontal concatenation: vectors/scalars join end to end; matrices side by side (equal rows). Increasing. */
export const hstackOp = makeStack(true);
/** Vertical stacking: vectors become rows of a matrix; matrices stack (equal columns). Increasing. */
export const vstackOp = makeStack(false);
