import { remapRows } from '../canon/affine_tensor.js';
import type { AffineOp } from '../expr/affine_op.js';
import { paren } from './elementwise.js';

/** Matrix transpose (row-major (i, j) -> (j, i)). Increasing. */
export const transposeOp: AffineOp = {
  name: 'transpose',
  shape: (shapes) => [shapes[0]![1]!, shapes[0]![0]!],
  evaluate(args, shapes) {
    const [m, n] = shapes[0] as [number, number];
    const x = args[0]!;
    const out = new Float64Array(m * n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[j * m + i] = x[i * n + j]!;
    return out;
  },
  linearize(args, shapes) {
    const [m, n] = shapes[0] as [number, number];
    const map = new Int32Array(m * n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) map[i * n + j] = j * m + i;
    return remapRows(args[0]!, m * n, map);
  },
  monotonicity: () => 'increasing',
  sign: (signs) => signs[0]!,
  format: (args) => `${paren(args[0]!)}.T`,
};
