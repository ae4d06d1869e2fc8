import { ShapeError, ValueError } from '../errors.js';
import type { CscMatrix } from './csc.js';

/**
 * Checks that `m` is a well-formed CSC matrix before it reaches code that
 * trusts its indices (SCS's WebAssembly reads out of bounds otherwise):
 * integer dimensions, `colPtr` of length cols + 1 starting at 0,
 * non-decreasing and ending at nnz = rowIndex.length = values.length, row
 * indices integers in [0, rows) and strictly increasing within each column
 * (sorted, no duplicates), finite values. Throws `ShapeError` (structure) or
 * `ValueError` (non-finite value) naming `name` and the offending entry.
 */
export function validateCsc(m: CscMatrix, name: string): void {
  if (m === null || typeof m !== 'object') throw new ShapeError(`${name} must be a CSC matrix object, got ${String(m)}`);
  const { rows, cols, colPtr, rowIndex, values } = m;
  if (!Number.isInteger(rows) || rows < 0) throw new ShapeError(`${name}.rows must be a nonnegative integer, got ${String(rows)}`);
  if (!Number.isInteger(cols) || cols < 0) throw new ShapeError(`${name}.cols must be a nonnegative integer, got ${String(cols)}`);
  for (const [field, arr] of [['colPtr', colPtr], ['rowIndex', rowIndex], ['values', values]] as const) {
    if (arr === null || typeof arr !== 'object' || typeof (arr as ArrayLike<number>).length !== 'number') {
      throw new ShapeError(`${name}.${field} must be an array, got ${String(arr)}`);
    }
  }
  if (colPtr.length !== cols + 1) throw new ShapeError(`${name}.colPtr has length ${colPtr.length}, expected cols + 1 = ${cols + 1}`);
  const nnz = values.length;
  if (rowIndex.length !== nnz) throw new ShapeError(`${name}.rowIndex has length ${rowIndex.length} but ${name}.values has ${nnz}`);
  if (colPtr[0] !== 0) throw new ShapeError(`${name}.colPtr[0] must be 0, got ${colPtr[0]}`);
  if (colPtr[cols] !== nnz) throw new ShapeError(`${name}.colPtr[${cols}] must equal the number of nonzeros ${nnz}, got ${colPtr[cols]}`);
  for (let j = 0; j < cols; j++) {
    const start = colPtr[j]!;
    const end = colPtr[j + 1]!;
    if (!Number.isInteger(end) || end < start) {
      throw new ShapeError(`${name}.colPtr must be a non-decreasing integer array: colPtr[${j + 1}] = ${end} < colPtr[${j}] = ${start}`);
    }
    let last = -1;
    for (let k = start; k < end; k++) {
      const r = rowIndex[k]!;
      if (!Number.isInteger(r) || r < 0 || r >= rows) {
        throw new ShapeError(`${name}.rowIndex[${k}] = ${r} (column ${j}) lies outside [0, ${rows})`);
      }
      if (r <= last) throw new ShapeError(`${name}.rowIndex must increase within each column: rowIndex[${k}] = ${r} after ${last} in column ${j}`);
      last = r;
      if (!Number.isFinite(values[k]!)) throw new ValueError(`${name}.values[${k}] (row ${r}, column ${j}) is ${values[k]}`);
    }
  }
}
