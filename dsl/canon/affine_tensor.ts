import { OptlayersError } from '../../solvers/errors.js';

/**
 * Marker for "the constant column": xcol = CONST means the term multiplies 1
 * instead of a solver variable; tcol = CONST means it multiplies 1 instead of
 * a parameter entry.
 */
export const CONST = -1;

/**
 * An affine expression during compilation: entry r of the (flattened,
 * row-major) expression equals
 *
 *   sum over triplets k with rows[k] = r of  vals[k] * X[xcols[k]] * Theta[tcols[k]]
 *
 * where X = [x; 1] (solver variables) and Theta = [theta; 1] (parameter
 * entries). Under DPP every coefficient of x is linear in [theta; 1], so this
 * 3-way sparse tensor is exact (Agrawal et al. 2019, section 4). Stored as
 * flat triplet lists (never dense), so every operation is linear in the
 * number of stored terms. Duplicates are allowed; they add.
 */
export class AffineTensor {
  constructor(
    readonly size: number,
    readonly rows: Int32Array,
    readonly xcols: Int32Array,
    readonly tcols: Int32Array,
    readonly vals: Float64Array,
  ) {}

  /** Number of stored terms. */
  get nnz(): number {
    return this.vals.length;
  }

  /** True when no term involves a solver variable. */
  isVariableFree(): boolean {
    for (let k = 0; k < this.xcols.length; k++) if (this.xcols[k] !== CONST) return false;
    return true;
  }
}

/** Growable triplet storage used to build an AffineTensor. */
export class TensorBuilder {
  private rows: Int32Array;
  private xcols: Int32Array;
  private tcols: Int32Array;
  private vals: Float64Array;
  private n = 0;

  constructor(
    readonly size: number,
    capacity = 16,
  ) {
    const c = Math.max(4, capacity);
    this.rows = new Int32Array(c);
    this.xcols = new Int32Array(c);
    this.tcols = new Int32Array(c);
    this.vals = new Float64Array(c);
  }

  private grow(need: number): void {
    let c = this.vals.length;
    while (c < need) c *= 2;
    const r = new Int32Array(c);
    r.set(this.rows.subarray(0, this.n));
    this.rows = r;
    const x = new Int32Array(c);
    x.set(this.xcols.subarray(0, this.n));
    this.xcols = x;
    const t = new Int32Array(c);
    t.set(this.tcols.subarray(0, this.n));
    this.tcols = t;
    const v = new Float64Array(c);
    v.set(this.vals.subarray(0, this.n));
    this.vals = v;
  }

  /** Adds one term (zeros are skipped). */
  push(row: number, xcol: number, tcol: number, val: number): void {
    if (val === 0) return;
    if (this.n === this.vals.length) this.grow(this.n + 1);
    const k = this.n++;
    this.rows[k] = row;
    this.xcols[k] = xcol;
    this.tcols[k] = tcol;
    this.vals[k] = val;
  }

  /** Appends every term of `t` with rows shifted by `rowOffset` and values scaled by `scale`. */
  append(t: AffineTensor, rowOffset = 0, scale = 1): void {
    const nnz = t.nnz;
    if (this.n + nnz > this.vals.length) this.grow(this.n + nnz);
    const k0 = this.n;
    if (rowOffset === 0) this.rows.set(t.rows, k0);
    else for (let k = 0; k < nnz; k++) this.rows[k0 + k] = t.rows[k]! + rowOffset;
    this.xcols.set(t.xcols, k0);
    this.tcols.set(t.tcols, k0);
    if (scale === 1) this.vals.set(t.vals, k0);
    else for (let k = 0; k < nnz; k++) this.vals[k0 + k] = t.vals[k]! * scale;
    this.n += nnz;
  }

  /** The tensor built so far; the builder must not be used afterwards (its full buffers are handed over without copying). */
  build(): AffineTensor {
    const n = this.n;
    if (n === this.vals.length) return new AffineTensor(this.size, this.rows, this.xcols, this.tcols, this.vals);
    return new AffineTensor(this.size, this.rows.slice(0, n), this.xcols.slice(0, n), this.tcols.slice(0, n), this.vals.slice(0, n));
  }
}

/** The tensor of constant values (zeros are not stored). */
export function constantTensor(values: ArrayLike<number>): AffineTensor {
  const b = new TensorBuilder(values.length, values.length);
  for (let i = 0; i < values.length; i++) b.push(i, CONST, CONST, values[i]!);
  return b.build();
}

/** Entry i is solver variable `firstColumn + i`. */
export function variableTensor(size: number, firstColumn: number): AffineTensor {
  const rows = new Int32Array(size);
  const xcols = new Int32Array(size);
  for (let i = 0; i < size; i++) {
    rows[i] = i;
    xcols[i] = firstColumn + i;
  }
  return new AffineTensor(size, rows, xcols, new Int32Array(size).fill(CONST), new Float64Array(size).fill(1));
}

/** Entry i is parameter entry `theta[thetaOffset + i]`. */
export function parameterTensor(size: number, thetaOffset: number): AffineTensor {
  const rows = new Int32Array(size);
  const tcols = new Int32Array(size);
  for (let i = 0; i < size; i++) {
    rows[i] = i;
    tcols[i] = thetaOffset + i;
  }
  return new AffineTensor(size, rows, new Int32Array(size).fill(CONST), tcols, new Float64Array(size).fill(1));
}

/** s * t. */
export function scaleTensor(t: AffineTensor, s: number): AffineTensor {
  if (s === 1) return t;
  if (s === 0) return new TensorBuilder(t.size, 0).build();
  const vals = new Float64Array(t.nnz);
  for (let k = 0; k < vals.length; k++) vals[k] = t.vals[k]! * s;
  return new AffineTensor(t.size, t.rows, t.xcols, t.tcols, vals);
}

/** Repeats a size-1 tensor to `size` entries; returns other tensors unchanged. */
export function broadcastTensor(t: AffineTensor, size: number): AffineTensor {
  if (t.size === size) return t;
  if (t.size !== 1) throw new OptlayersError(`internal: cannot broadcast a tensor of size ${t.size} to ${size}`);
  const b = new TensorBuilder(size, t.nnz * size);
  for (let i = 0; i < size; i++) b.append(t, i);
  return b.build();
}

/** Sum of tensors, broadcasting size-1 operands to `size`. */
export function addTensors(terms: readonly AffineTensor[], size: number, scales?: readonly number[]): AffineTensor {
  let total = 0;
  for (const t of terms) total += t.nnz * (t.size === size ? 1 : size);
  const b = new TensorBuilder(size, total);
  terms.forEach((t, i) => b.append(broadcastTensor(t, size), 0, scales ? scales[i]! : 1));
  return b.build();
}

/** Moves entry r to row `map[r]` (dropping entries mapped to -1): index, slice, transpose, reshape. */
export function remapRows(t: AffineTensor, outSize: number, map: Int32Array): AffineTensor {
  const b = new TensorBuilder(outSize, t.nnz);
  for (let k = 0; k < t.nnz; k++) {
    const r = map[t.rows[k]!]!;
    if (r >= 0) b.push(r, t.xcols[k]!, t.tcols[k]!, t.vals[k]!);
  }
  return b.build();
}

/**
 * A constant linear map on entries: input entry r contributes
 * coef[p] * (entry r) to output row out[p] for p in ptr[r] .. ptr[r+1]
 * (CSR by input row). Used for sum, cumsum, diff, trace, diag.
 */
export function mapRows(t: AffineTensor, outSize: number, ptr: Int32Array, out: Int32Array, coef: Float64Array): AffineTensor {
  let total = 0;
  for (let k = 0; k < t.nnz; k++) total += ptr[t.rows[k]! + 1]! - ptr[t.rows[k]!]!;
  const b = new TensorBuilder(outSize, total);
  for (let k = 0; k < t.nnz; k++) {
    const r = t.rows[k]!;
    for (let p = ptr[r]!; p < ptr[r + 1]!; p++) b.push(out[p]!, t.xcols[k]!, t.tcols[k]!, t.vals[k]! * coef[p]!);
  }
  return b.build();
}

/** Stacks tensors (optionally scaled) on top of each other: rows of the second follow the first's. */
export function stackTensors(parts: readonly AffineTensor[], scales?: readonly number[]): AffineTensor {
  let size = 0;
  let nnz = 0;
  for (const p of parts) {
    size += p.size;
    nnz += p.nnz;
  }
  const b = new TensorBuilder(size, nnz);
  let off = 0;
  parts.forEach((p, i) => {
    b.append(p, off, scales ? scales[i]! : 1);
    off += p.size;
  });
  return b.build();
}

/**
 * Interleaves equally sized parts (size-1 parts broadcast): output row
 * k * parts.length + j is entry k of part j. Builds consecutive cone tuples,
 * e.g. exponential-cone triples (x_k, y_k, z_k).
 */
export function interleaveTensors(parts: readonly AffineTensor[], count: number): AffineTensor {
  const q = parts.length;
  let nnz = 0;
  for (const p of parts) nnz += p.nnz * (p.size === count ? 1 : count);
  const b = new TensorBuilder(count * q, nnz);
  parts.forEach((p0, j) => {
    const p = broadcastTensor(p0, count);
    for (let k = 0; k < p.nnz; k++) b.push(p.rows[k]! * q + j, p.xcols[k]!, p.tcols[k]!, p.vals[k]!);
  });
  return b.build();
}

/** Sum of all entries, as a size-1 tensor. */
export function sumTensor(t: AffineTensor): AffineTensor {
  return new AffineTensor(1, new Int32Array(t.nnz), t.xcols, t.tcols, t.vals);
}

function combine(a: number, b: number, what: string): number {
  if (a !== CONST && b !== CONST) {
    throw new OptlayersError(`internal: product of two ${what}-dependent factors survived the DCP/DPP checks`);
  }
  return a === CONST ? b : a;
}

/** Counting sort of triplet indices by key; returns (ptr, order). */
function bucket(keys: Int32Array, nKeys: number): { ptr: Int32Array; order: Int32Array } {
  const ptr = new Int32Array(nKeys + 1);
  for (let k = 0; k < keys.length; k++) ptr[keys[k]! + 1]!++;
  for (let i = 0; i < nKeys; i++) ptr[i + 1]! += ptr[i]!;
  const next = ptr.slice(0, nKeys);
  const order = new Int32Array(keys.length);
  for (let k = 0; k < keys.length; k++) order[next[keys[k]!]!++] = k;
  return { ptr, order };
}

/**
 * Elementwise product a .* b (size-1 operands broadcast). DCP/DPP guarantee
 * that no term multiplies two solver variables or two parameter entries.
 */
export function multiplyTensors(a: AffineTensor, b: AffineTensor, size: number): AffineTensor {
  if (a.size === 1 || b.size === 1) {
    const [s, t] = a.size === 1 ? [a, b] : [b, a];
    const out = new TensorBuilder(size, s.nnz * t.nnz);
    const tb = broadcastTensor(t, size);
    for (let i = 0; i < s.nnz; i++) {
      for (let k = 0; k < tb.nnz; k++) {
        out.push(tb.rows[k]!, combine(s.xcols[i]!, tb.xcols[k]!, 'variable'), combine(s.tcols[i]!, tb.tcols[k]!, 'parameter'), s.vals[i]! * tb.vals[k]!);
      }
    }
    return out.build();
  }
  const ba = bucket(a.rows, size);
  const bb = bucket(b.rows, size);
  const out = new TensorBuilder(size, Math.max(a.nnz, b.nnz));
  for (let r = 0; r < size; r++) {
    for (let p = ba.ptr[r]!; p < ba.ptr[r + 1]!; p++) {
      const i = ba.order[p]!;
      for (let q = bb.ptr[r]!; q < bb.ptr[r + 1]!; q++) {
        const k = bb.order[q]!;
        out.push(r, combine(a.xcols[i]!, b.xcols[k]!, 'variable'), combine(a.tcols[i]!, b.tcols[k]!, 'parameter'), a.vals[i]! * b.vals[k]!);
      }
    }
  }
  return out.build();
}

/** True when term t sits in row t for every t (a parameter or dense constant matrix, as built). */
function denseOrder(a: AffineTensor): boolean {
  if (a.nnz !== a.size) return false;
  for (let t = 0; t < a.nnz; t++) if (a.rows[t] !== t) return false;
  return true;
}

/** The bucket-by-column layout of a dense row-major m x k tensor in row order, without sorting. */
function columnsOfDense(m: number, k: number): { ptr: Int32Array; order: Int32Array } {
  const ptr = new Int32Array(k + 1);
  for (let l = 0; l <= k; l++) ptr[l] = l * m;
  const order = new Int32Array(m * k);
  let q = 0;
  for (let l = 0; l < k; l++) for (let i = 0; i < m; i++) order[q++] = i * k + l;
  return { ptr, order };
}

/**
 * Matrix product of a (m x k, row-major) and b (k x n, row-major). Cost is
 * sum over l of (terms in column l of a) * (terms in row l of b), i.e.
 * O(nnz) for a parameter matrix times a variable vector.
 */
export function matmulTensors(a: AffineTensor, m: number, k: number, b: AffineTensor, n: number): AffineTensor {
  const bKey = new Int32Array(b.nnz);
  for (let t = 0; t < b.nnz; t++) bKey[t] = (b.rows[t]! / n) | 0;
  const ba = denseOrder(a) ? columnsOfDense(m, k) : bucket(Int32Array.from(a.rows, (r) => r % k), k);
  const bb = bucket(bKey, k);
  let total = 0;
  for (let l = 0; l < k; l++) total += (ba.ptr[l + 1]! - ba.ptr[l]!) * (bb.ptr[l + 1]! - bb.ptr[l]!);
  // Hot loop of every parametrized matrix product: write straight into preallocated arrays.
  const rows = new Int32Array(total);
  const xcols = new Int32Array(total);
  const tcols = new Int32Array(total);
  const vals = new Float64Array(total);
  let q = 0;
  for (let l = 0; l < k; l++) {
    const b0 = bb.ptr[l]!;
    const b1 = bb.ptr[l + 1]!;
    if (b0 === b1) continue;
    for (let p = ba.ptr[l]!; p < ba.ptr[l + 1]!; p++) {
      const i = ba.order[p]!;
      const rowBase = ((a.rows[i]! / k) | 0) * n;
      const ax = a.xcols[i]!;
      const at = a.tcols[i]!;
      const av = a.vals[i]!;
      for (let r = b0; r < b1; r++) {
        const j = bb.order[r]!;
        const bx = b.xcols[j]!;
        const bt = b.tcols[j]!;
        if ((ax !== CONST && bx !== CONST) || (at !== CONST && bt !== CONST)) combine(ax, bx, 'variable') + combine(at, bt, 'parameter');
        rows[q] = rowBase + (b.rows[j]! % n);
        xcols[q] = ax === CONST ? bx : ax;
        tcols[q] = at === CONST ? bt : at;
        vals[q] = av * b.vals[j]!;
        q++;
      }
    }
  }
  return new AffineTensor(m * n, rows, xcols, tcols, vals);
}
