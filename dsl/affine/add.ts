import { addTensors } from '../canon/affine_tensor.js';
import type { AffineOp } from '../expr/affine_op.js';
import { negateSign, sumSign } from '../expr/sign.js';
import { broadcastShapes, shapeSize } from '../shape.js';
import { paren } from './elementwise.js';

/** a + b + ... (entrywise; scalars broadcast). Increasing in every argument. */
export const addOp: AffineOp = {
  name: 'add',
  shape: (shapes, _d, names) => broadcastShapes(shapes, names, 'add'),
  evaluate(args, _s, _d, outShape) {
    const n = shapeSize(outShape);
    const out = new Float64Array(n);
    for (const a of args) {
      const step = a.length === 1 ? 0 : 1;
      for (let i = 0; i < n; i++) out[i]! += a[i * step]!;
    }
    return out;
  },
  linearize: (args, _s, _d, outShape) => addTensors(args, shapeSize(outShape)),
  monotonicity: () => 'increasing',
  sign: (signs) => sumSign(signs),
  format: (args) => args.join(' + '),
};

/** a - b (entrywise; scalars broadcast). Increasing in a, decreasing in b. */
export const subOp: AffineOp = {
  name: 'sub',
  shape: (shapes, _d, names) => broadcastShapes(shapes, names, 'sub'),
  evaluate(args, _s, _d, outShape) {
    const n = shapeSize(outShape);
    const [a, b] = args as [Float64Array, Float64Array];
    const sa = a.length === 1 ? 0 : 1;
    const sb = b.length === 1 ? 0 : 1;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = a[i * sa]! - b[i * sb]!;
    return out;
  },
  linearize: (args, _s, _d, outShape) => addTensors(args, shapeSize(outShape), [1, -1]),
  monotonicity: (i) => (i === 0 ? 'increasing' : 'decreasing'),
  sign: (signs) => sumSign([signs[0]!, negateSign(signs[1]!)]),
  format: (args) => `${args[0]} - ${paren(args[1]!)}`,
};
