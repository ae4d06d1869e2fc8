import { ShapeError } from '../errors.js';

/**
 * A sparse matrix in compressed sparse column form: the entries of column j
 * are `values[colPtr[j] .. colPtr[j+1])` at rows `rowIndex[...]`. Row indices
 * within a column are sorted and unique after `cscFromTriplets`.
 */
export interface CscMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly colPtr: Int32Array;
  readonly rowIndex: Int32Array;
  readonly values: Float64Array;
}

/**
 * Builds a CSC matrix from coordinate triplets, summing duplicates.
 * O(nnz + cols) with a counting sort by column, then a per-column sort by row.
 */
export function cscFromTriplets(
  rows: number,
  cols: number,
  rowIdx: ArrayLike<number>,
  colIdx: ArrayLike<number>,
  vals: ArrayLike<number>,
): CscMatrix {
  const nnz = vals.length;
  if (rowIdx.length !== nnz || colIdx.length !== nnz) {
    throw new ShapeError(`triplet arrays differ in length: rows ${rowIdx.length}, cols ${colIdx.length}, values ${nnz}`);
  }
  const counts = new Int32Array(cols + 1);
  for (let k = 0; k < nnz; k++) {
    const r = rowIdx[k]!;
    const c = colIdx[k]!;
    if (r < 0 || r >= rows || c < 0 || c >= cols) {
      throw new ShapeError(`triplet ${k} at (${r}, ${c}) lies outside a ${rows} x ${cols} matrix`);
    }
    counts[c + 1]!++;
  }
  for (let j = 0; j < cols; j++) counts[j + 1]! += counts[j]!;
  const next = counts.slice(0, cols);
  const tmpRow = new Int32Array(nnz);
  const tmpVal = new Float64Array(nnz);
  for (let k = 0; k < nnz; k++) {
    const dst = next[colIdx[k]!]!++;
    tmpRow[dst] = rowIdx[k]!;
    tmpVal[dst] = vals[k]!;
  }
  // Sort each column by row and merge duplicates.
  const colPtr = new Int32Array(cols + 1);
  const outRow = new Int32Array(nnz);
  const outVal = new Float64Array(nnz);
  let out = 0;
  const order: number[] = [];
  for (let j = 0; j < cols; j++) {
    const start = counts[j]!;
    const end = counts[j + 1]!;
    order.length = 0;
    for (let k = start; k < end; k++) order.push(k);
    order.sort((a, b) => tmpRow[a]! - tmpRow[b]!);
    let lastRow = -1;
    for (const k of order) {
      const r = tmpRow[k]!;
      if (r === lastRow) {
        outVal[out - 1]! += tmpVal[k]!;
      } else {
        outRow[out] = r;
        outVal[out] = tmpVal[k]!;
        out++;
        lastRow = r;
      }
    }
    colPtr[j + 1] = out;
  }
  return { rows, cols, colPtr, rowIndex: outRow.slice(0, out), values: outVal.slice(0, out) };
}

/** Dense row-major (rows x cols) array to CSC, dropping exact zeros. */
export function cscFromDense(rows: number, cols: number, dense: ArrayLike<number>): CscMatrix {
  if (dense.length !== rows * cols) {
    throw new ShapeError(`dense array has ${dense.length} entries, expected ${rows} x ${cols} = ${rows * cols}`);
  }
  const r: number[] = [];
  const c: number[] = [];
  const v: number[] = [];
  for (let j = 0; j < cols; j++) {
    for (let i = 0; i < rows; i++) {
      const x = dense[i * cols + j]!;
      if (x !== 0) {
        r.push(i);
        c.push(j);
        v.push(x);
      }
    }
  }
  return cscFromTriplets(rows, cols, r, c, v);
}

/** CSC to a dense row-major Float64Array. */
export function cscToDense(m: CscMatrix): Float64Array {
  const out = new Float64Array(m.rows * m.cols);
  for (let j = 0; j < m.cols; j++) {
    for (let k = m.colPtr[j]!; k < m.colPtr[j + 1]!; k++) out[m.rowIndex[k]! * m.cols + j]! += m.values[k]!;
  }
  return out;
}

/** y = A x (or y += A x when `accumulate`). */
export function cscMatVec(a: CscMatrix, x: ArrayLike<number>, y = new Float64Array(a.rows), accumulate = false): Float64Array {
  if (x.length !== a.cols) throw new ShapeError(`matvec: x has length ${x.length}, matrix has ${a.cols} columns`);
  if (!accumulate) y.fill(0);
  for (let j = 0; j < a.cols; j++) {
    const xj = x[j]!;
    if (xj === 0) continue;
    for (let k = a.colPtr[j]!; k < a.colPtr[j + 1]!; k++) y[a.rowIndex[k]!]! += a.values[k]! * xj;
  }
  return y;
}

/** y = A' x (or y += A' x when `accumulate`). */
export function cscTransposeMatVec(a: CscMatrix, x: ArrayLike<number>, y = new Float64Array(a.cols), accumulate = false): Float64Array {
  if (x.length !== a.rows) throw new ShapeError(`transpose matvec: x has length ${x.length}, matrix has ${a.rows} rows`);
  for (let j = 0; j < a.cols; j++) {
    let s = accumulate ? y[j]! : 0;
    for (let k = a.colPtr[j]!; k < a.colPtr[j + 1]!; k++) s += a.values[k]! * x[a.rowIndex[k]!]!;
    y[j] = s;
  }
  return y;
}

/** The transpose as a new CSC matrix. */
export function cscTranspose(a: CscMatrix): CscMatrix {
  const nnz = a.values.length;
  const r = new Int32Array(nnz);
  const c = new Int32Array(nnz);
  for (let j = 0; j < a.cols; j++) {
    for (let k = a.colPtr[j]!; k < a.colPtr[j + 1]!; k++) {
      r[k] = j;
      c[k] = a.rowIndex[k]!;
    }
  }
  return cscFromTriplets(a.cols, a.rows, r, c, a.values);
}
