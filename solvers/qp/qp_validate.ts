import { assertFinite, ShapeError, ValueError } from '../errors.js';
import type { QpBatch } from './qp_types.js';

/** Per-example sizes of the six QP arguments. */
export function qpArgumentSizes(qp: QpBatch): Record<'Q' | 'p' | 'G' | 'h' | 'A' | 'b', number> {
  const { n, nIneq, nEq } = qp;
  return { Q: n * n, p: n, G: nIneq * n, h: nIneq, A: nEq * n, b: nEq };
}

/**
 * Checks a `QpBatch`: integer sizes, each argument's length against its
 * per-example size (times `batch` when batched), and finiteness. Throws
 * `ShapeError`/`ValueError` naming the argument.
 */
export function validateQpBatch(qp: QpBatch): void {
  for (const key of ['batch', 'n', 'nIneq', 'nEq'] as const) {
    const v = qp[key];
    const min = key === 'batch' || key === 'n' ? 1 : 0;
    if (!Number.isInteger(v) || v < min) throw new ShapeError(`QP size ${key} must be an integer >= ${min}, got ${String(v)}`);
  }
  const sizes = qpArgumentSizes(qp);
  for (const name of ['Q', 'p', 'G', 'h', 'A', 'b'] as const) {
    const arg = qp[name];
    if (!arg || !(arg.data instanceof Float64Array)) throw new ValueError(`QP argument ${name} must be {data: Float64Array, batched: boolean}`);
    const expected = sizes[name] * (arg.batched ? qp.batch : 1);
    if (arg.data.length !== expected) {
      throw new ShapeError(
        `QP argument ${name} has ${arg.data.length} entries; expected ${expected} ` +
          `(${arg.batched ? `batch ${qp.batch} x ` : 'shared, '}${sizes[name]} per example for n=${qp.n}, nIneq=${qp.nIneq}, nEq=${qp.nEq})`,
      );
    }
    assertFinite(arg.data, `QP argument ${name}`);
  }
}
