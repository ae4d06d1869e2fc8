import type { CscMatrix } from '../../solvers/sparse/csc.js';

/**
 * Stable counting-sort permutation of `keys` (values in [0, nKeys)), applied
 * after `order` when given: returns the indices sorted by key.
 */
function countingSort(keys: Int32Array, nKeys: number, order?: Int32Array): Int32Array {
  const n = keys.length;
  const ptr = new Int32Array(nKeys + 1);
  for (let k = 0; k < n; k++) ptr[keys[k]! + 1]!++;
  for (let i = 0; i < nKeys; i++) ptr[i + 1]! += ptr[i]!;
  const out = new Int32Array(n);
  for (let q = 0; q < n; q++) {
    const k = order ? order[q]! : q;
    out[ptr[keys[k]!]!++] = k;
  }
  return out;
}

/**
 * Given triplet indices grouped by column (stable), sorts each column's run
 * by row. Runs that are already sorted (the common case: canonicalization
 * emits rows in increasing order) cost one comparison per entry.
 */
function sortColumnsByRow(order: Int32Array, r: Int32Array, c: Int32Array): void {
  let start = 0;
  while (start < order.length) {
    const col = c[order[start]!]!;
    let end = start + 1;
    let sorted = true;
    while (end < order.length && c[order[end]!] === col) {
      if (r[order[end]!]! < r[order[end - 1]!]!) sorted = false;
      end++;
    }
    if (!sorted) {
      const run = Array.from(order.subarray(start, end)).sort((a, b) => r[a]! - r[b]! || a - b);
      order.set(run, start);
    }
    start = end;
  }
}

/**
 * Sorts triplets by (column, row) in O(nnz + cols) (a stable
 * counting sort by column, then per-column row order, which is usually already
 * there) and numbers the distinct positions: `pos[k]` is the index,
 * in CSC order, of triplet k's (row, col) entry. Duplicates share a position.
 */
export function cscPositions(
  rows: number,
  cols: number,
  r: Int32Array,
  c: Int32Array,
): { colPtr: Int32Array; rowIndex: Int32Array; pos: Int32Array; order: Int32Array } {
  const order = countingSort(c, cols);
  sortColumnsByRow(order, r, c);
  const pos = new Int32Array(r.length);
  const rowIndex = new Int32Array(r.length);
  const colPtr = new Int32Array(cols + 1);
  let count = 0;
  let lastR = -1;
  let lastC = -1;
  for (let q = 0; q < order.length; q++) {
    const k = order[q]!;
    if (r[k] !== lastR || c[k] !== lastC) {
      lastR = r[k]!;
      lastC = c[k]!;
      rowIndex[count] = lastR;
      colPtr[lastC + 1]!++;
      count++;
    }
    pos[k] = count - 1;
  }
  for (let j = 0; j < cols; j++) colPtr[j + 1]! += colPtr[j]!;
  return { colPtr, rowIndex: count === rowIndex.length ? rowIndex : rowIndex.slice(0, count), pos, order };
}

/** CSC from triplets (duplicates summed), linear time. Like `cscFromTriplets` without the comparison sorts. */
export function buildCsc(rows: number, cols: number, r: Int32Array, c: Int32Array, v: Float64Array): CscMatrix {
  const { colPtr, rowIndex, pos } = cscPositions(rows, cols, r, c);
  const values = new Float64Array(rowIndex.length);
  for (let k = 0; k < v.length; k++) values[pos[k]!]! += v[k]!;
  return { rows, cols, colPtr, rowIndex, values };
}

/**
 * The parameter-to-values map of a sparse pattern: a CSC matrix with one row
 * per stored entry (`pos[k]`) and one column per theta entry (`tcol[k]`).
 * `order` lists the triplets with nondecreasing `pos` (as `cscPositions`
 * returns it), so one stable counting sort by column leaves the rows of every
 * column sorted; adjacent duplicates are merged. O(nnz + cols).
 */
export function valuesMap(rows: number, cols: number, pos: Int32Array, tcol: Int32Array, v: Float64Array, order: Int32Array): CscMatrix {
  const sorted = countingSort(tcol, cols, order);
  const colPtr = new Int32Array(cols + 1);
  const rowIndex = new Int32Array(sorted.length);
  const values = new Float64Array(sorted.length);
  let count = 0;
  let lastRow = -1;
  let lastCol = -1;
  for (let q = 0; q < sorted.length; q++) {
    const k = sorted[q]!;
    const r = pos[k]!;
    const c = tcol[k]!;
    if (r === lastRow && c === lastCol) {
      values[count - 1]! += v[k]!;
      continue;
    }
    rowIndex[count] = r;
    values[count] = v[k]!;
    colPtr[c + 1]!++;
    count++;
    lastRow = r;
    lastCol = c;
  }
  for (let j = 0; j < cols; j++) colPtr[j + 1]! += colPtr[j]!;
  const full = count === rowIndex.length;
  return { rows, cols, colPtr, rowIndex: full ? rowIndex : rowIndex.slice(0, count), values: full ? values : values.slice(0, count) };
}

/** Growable (row, col, value) triplet lists. */
export class Triplets {
  r: Int32Array;
  c: Int32Array;
  v: Float64Array;
  n = 0;
  constructor(capacity = 64) {
    this.r = new Int32Array(capacity);
    this.c = new Int32Array(capacity);
    this.v = new Float64Array(capacity);
  }
  reserve(extra: number): void {
    if (this.n + extra <= this.v.length) return;
    let cap = this.v.length;
    while (cap < this.n + extra) cap *= 2;
    const r = new Int32Array(cap);
    r.set(this.r.subarray(0, this.n));
    const c = new Int32Array(cap);
    c.set(this.c.subarray(0, this.n));
    const v = new Float64Array(cap);
    v.set(this.v.subarray(0, this.n));
    this.r = r;
    this.c = c;
    this.v = v;
  }
  push(r: number, c: number, v: number): void {
    if (this.n === this.v.length) this.reserve(1);
    this.r[this.n] = r;
    this.c[this.n] = c;
    this.v[this.n] = v;
    this.n++;
  }
  toCsc(rows: number, cols: number): CscMatrix {
    return buildCsc(rows, cols, this.r.subarray(0, this.n), this.c.subarray(0, this.n), this.v.subarray(0, this.n));
  }
}

/**
 * Selection matrix (size x cols) picking columns offset .. offset + size - 1:
 * entry (i, offset + i) = 1. `colPtr` has `cols + 1` entries, so it is built
 * on first access only: a problem with C constraints and m rows would
 * otherwise hold C x m integers for dual recovery maps nobody reads.
 */
export class SelectionCsc implements CscMatrix {
  readonly rowIndex: Int32Array;
  readonly values: Float64Array;
  private ptr: Int32Array | undefined;

  constructor(
    readonly rows: number,
    readonly cols: number,
    readonly offset: number,
  ) {
    this.rowIndex = Int32Array.from({ length: rows }, (_, i) => i);
    this.values = new Float64Array(rows).fill(1);
  }

  get colPtr(): Int32Array {
    if (!this.ptr) {
      const p = new Int32Array(this.cols + 1);
      for (let j = 0; j < this.cols; j++) p[j + 1] = p[j]! + (j >= this.offset && j < this.offset + this.rows ? 1 : 0);
      this.ptr = p;
    }
    return this.ptr;
  }
}

/** See SelectionCsc. */
export function selectionCsc(size: number, cols: number, offset: number): SelectionCsc {
  return new SelectionCsc(size, cols, offset);
}
