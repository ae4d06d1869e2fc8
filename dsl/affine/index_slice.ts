import { remapRows } from '../canon/affine_tensor.js';
import type { AffineOp } from '../expr/affine_op.js';
import { type Shape, formatShape, shapeSize } from '../shape.js';
import { ShapeError } from '../../solvers/errors.js';
import { paren } from './elementwise.js';

/** Which entries to take: one entry or row, a vector range, or a matrix block (stops exclusive). */
export type IndexData =
  | { readonly kind: 'index'; readonly i: number; readonly j?: number }
  | { readonly kind: 'slice'; readonly start: number; readonly stop: number }
  | { readonly kind: 'slice2'; readonly rows: readonly [number, number]; readonly cols: readonly [number, number] };

function checkIndex(v: number, n: number, what: string): void {
  if (!Number.isInteger(v) || v < 0 || v >= n) throw new ShapeError(`${what} ${v} is out of range [0, ${n})`);
}

function checkRange(r: readonly [number, number], n: number, what: string): void {
  if (!Number.isInteger(r[0]) || !Number.isInteger(r[1]) || r[0] < 0 || r[1] > n || r[0] >= r[1]) {
    throw new ShapeError(`${what} [${r[0]}, ${r[1]}) is not a non-empty range within [0, ${n})`);
  }
}

/** Output shape and, for each output entry, the flat input index it copies. */
export function selection(shape: Shape, d: IndexData, name = 'expression'): { shape: Shape; source: Int32Array } {
  const where = `${d.kind} of ${name} with shape ${formatShape(shape)}:`;
  if (d.kind === 'index') {
    if (shape.length === 0) throw new ShapeError(`${where} cannot index a scalar`);
    if (shape.length === 1) {
      if (d.j !== undefined) throw new ShapeError(`${where} a vector takes one index`);
      checkIndex(d.i, shape[0]!, `${where} index`);
      return { shape: [], source: Int32Array.of(d.i) };
    }
    const [m, n] = shape as [number, number];
    checkIndex(d.i, m, `${where} row index`);
    if (d.j === undefined) {
      const source = new Int32Array(n);
      for (let j = 0; j < n; j++) source[j] = d.i * n + j;
      return { shape: [n], source };
    }
    checkIndex(d.j, n, `${where} column index`);
    return { shape: [], source: Int32Array.of(d.i * n + d.j) };
  }
  if (d.kind === 'slice') {
    if (shape.length !== 1) throw new ShapeError(`${where} slice(start, stop) needs a vector; use slice([r0, r1], [c0, c1]) for a matrix`);
    checkRange([d.start, d.stop], shape[0]!, `${where} range`);
    const source = new Int32Array(d.stop - d.start);
    for (let k = 0; k < source.length; k++) source[k] = d.start + k;
    return { shape: [source.length], source };
  }
  if (shape.length !== 2) throw new ShapeError(`${where} slice([r0, r1], [c0, c1]) needs a matrix`);
  const [m, n] = shape as [number, number];
  checkRange(d.rows, m, `${where} row range`);
  checkRange(d.cols, n, `${where} column range`);
  const rm = d.rows[1] - d.rows[0];
  const cn = d.cols[1] - d.cols[0];
  const source = new Int32Array(rm * cn);
  for (let i = 0; i < rm; i++) for (let j = 0; j < cn; j++) source[i * cn + j] = (d.rows[0] + i) * n + d.cols[0] + j;
  return { shape: [rm, cn], source };
}

function formatIndex(d: IndexData): string {
  if (d.kind === 'index') return d.j === undefined ? `[${d.i}]` : `[${d.i}, ${d.j}]`;
  if (d.kind === 'slice') return `[${d.start}:${d.stop}]`;
  return `[${d.rows[0]}:${d.rows[1]}, ${d.cols[0]}:${d.cols[1]}]`;
}

/** Indexing and slicing: a selection of entries. Increasing. */
export const indexOp: AffineOp<IndexData> = {
  name: 'index',
  shape: (shapes, d, names) => selection(shapes[0]!, d, names[0]).shape,
  evaluate(args, shapes, d) {
    const { source } = selection(shapes[0]!, d);
    const x = args[0]!;
    return Float64Array.from(source, (s) => x[s]!);
  },
  linearize(args, shapes, d, outShape) {
    const { source } = selection(shapes[0]!, d);
    const map = new Int32Array(shapeSize(shapes[0]!)).fill(-1);
    source.forEach((s, o) => (map[s] = o));
    return remapRows(args[0]!, shapeSize(outShape), map);
  },
  monotonicity: () => 'increasing',
  sign: (signs) => signs[0]!,
  format: (args, d) => `${paren(args[0]!)}${formatIndex(d)}`,
};
