/**
 * Dense float64 kernels on row-major typed arrays, written for the V8 JIT:
 * register-tiled loops over contiguous rows, no allocation in hot paths.
 * Used by the batched QP interior point method (`solvers/qp/`), whose cost is
 * dominated by the weighted Gram matrix G'WG and the Cholesky factorization.
 */

/**
 * Lower triangle of the Gram matrix of the rows of X, accumulated (a
 * symmetric rank-k update, BLAS dsyrk):
 *   out[i][j] += sum_k X[i][k] X[j][k]   for j <= i,
 * with X `rows x cols` row-major and `out` `rows x rows` row-major. Entries
 * above the diagonal inside diagonal 4x4 tiles may also be written (callers
 * read only the lower triangle). Register tiled 4 rows x 4 rows: each k step
 * loads 8 entries of X for 16 multiply-adds (16 accumulators). Each entry is
 * a plain ascending-k dot product, so the result does not depend on the tiling.
 */
export function gramLowerAccumulate(x: Float64Array, rows: number, cols: number, out: Float64Array): void {
  const n = rows;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const a0 = i * cols;
    const a1 = a0 + cols;
    const a2 = a1 + cols;
    const a3 = a2 + cols;
    const o0 = i * n;
    const o1 = o0 + n;
    const o2 = o1 + n;
    const o3 = o2 + n;
    for (let j = 0; j <= i; j += 4) {
      const b0 = j * cols;
      const b1 = b0 + cols;
      const b2 = b1 + cols;
      const b3 = b2 + cols;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
      for (let k = 0; k < cols; k++) {
        const w0 = x[b0 + k]!;
        const w1 = x[b1 + k]!;
        const w2 = x[b2 + k]!;
        const w3 = x[b3 + k]!;
        const u0 = x[a0 + k]!;
        s00 += u0 * w0; s01 += u0 * w1; s02 += u0 * w2; s03 += u0 * w3;
        const u1 = x[a1 + k]!;
        s10 += u1 * w0; s11 += u1 * w1; s12 += u1 * w2; s13 += u1 * w3;
        const u2 = x[a2 + k]!;
        s20 += u2 * w0; s21 += u2 * w1; s22 += u2 * w2; s23 += u2 * w3;
        const u3 = x[a3 + k]!;
        s30 += u3 * w0; s31 += u3 * w1; s32 += u3 * w2; s33 += u3 * w3;
      }
      out[o0 + j] += s00; out[o0 + j + 1] += s01; out[o0 + j + 2] += s02; out[o0 + j + 3] += s03;
      out[o1 + j] += s10; out[o1 + j + 1] += s11; out[o1 + j + 2] += s12; out[o1 + j + 3] += s13;
      out[o2 + j] += s20; out[o2 + j + 1] += s21; out[o2 + j + 2] += s22; out[o2 + j + 3] += s23;
      out[o3 + j] += s30; out[o3 + j + 1] += s31; out[o3 + j + 2] += s32; out[o3 + j + 3] += s33;
    }
  }
  // Last rows (fewer than 4): one row against four columns at a time.
  for (; i < n; i++) {
    const a0 = i * cols;
    const o0 = i * n;
    let j = 0;
    for (; j + 3 <= i; j += 4) {
      const b0 = j * cols;
      const b1 = b0 + cols;
      const b2 = b1 + cols;
      const b3 = b2 + cols;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let k = 0; k < cols; k++) {
        const u = x[a0 + k]!;
        s0 += u * x[b0 + k]!; s1 += u * x[b1 + k]!; s2 += u * x[b2 + k]!; s3 += u * x[b3 + k]!;
      }
      out[o0 + j] += s0; out[o0 + j + 1] += s1; out[o0 + j + 2] += s2; out[o0 + j + 3] += s3;
    }
    for (; j <= i; j++) {
      const b0 = j * cols;
      let s = 0;
      for (let k = 0; k < cols; k++) s += x[a0 + k]! * x[b0 + k]!;
      out[o0 + j] += s;
    }
  }
}

/**
 * y = M x (or y += M x when `accumulate`), M `rows x cols` row-major starting
 * at `offset` in `m`. Four rows at a time share each load of x; per row, even
 * and odd k accumulate in two separate chains.
 */
export function matVec(
  m: Float64Array, offset: number, rows: number, cols: number,
  x: ArrayLike<number>, y: Float64Array, accumulate = false,
): void {
  const even = cols - (cols & 1);
  let i = 0;
  for (; i + 3 < rows; i += 4) {
    const r0 = offset + i * cols;
    const r1 = r0 + cols;
    const r2 = r1 + cols;
    const r3 = r2 + cols;
    let a0 = 0, a1 = 0, b0 = 0, b1 = 0, c0 = 0, c1 = 0, d0 = 0, d1 = 0;
    for (let k = 0; k < even; k += 2) {
      const x0 = x[k]!;
      const x1 = x[k + 1]!;
      a0 += m[r0 + k]! * x0; a1 += m[r0 + k + 1]! * x1;
      b0 += m[r1 + k]! * x0; b1 += m[r1 + k + 1]! * x1;
      c0 += m[r2 + k]! * x0; c1 += m[r2 + k + 1]! * x1;
      d0 += m[r3 + k]! * x0; d1 += m[r3 + k + 1]! * x1;
    }
    if (even < cols) {
      const xl = x[even]!;
      a0 += m[r0 + even]! * xl;
      b0 += m[r1 + even]! * xl;
      c0 += m[r2 + even]! * xl;
      d0 += m[r3 + even]! * xl;
    }
    if (accumulate) {
      y[i] = y[i]! + a0 + a1;
      y[i + 1] = y[i + 1]! + b0 + b1;
      y[i + 2] = y[i + 2]! + c0 + c1;
      y[i + 3] = y[i + 3]! + d0 + d1;
    } else {
      y[i] = a0 + a1;
      y[i + 1] = b0 + b1;
      y[i + 2] = c0 + c1;
      y[i + 3] = d0 + d1;
    }
  }
  for (; i < rows; i++) {
    const r = offset + i * cols;
    let s0 = 0, s1 = 0;
    let k = 0;
    for (; k + 1 < cols; k += 2) {
      s0 += m[r + k]! * x[k]!;
      s1 += m[r + k + 1]! * x[k + 1]!;
    }
    if (k < cols) s0 += m[r + k]! * x[k]!;
    y[i] = accumulate ? y[i]! + s0 + s1 : s0 + s1;
  }
}

/**
 * y = M' x (or y += M' x when `accumulate`), M `rows x cols` row-major
 * starting at `offset`: a sum of scaled rows, so memory is read contiguously;
 * four rows per sweep, so y is loaded and stored once per four multiply-adds
 * (rows are still added in ascending order).
 */
export function matTVec(
  m: Float64Array, offset: number, rows: number, cols: number,
  x: ArrayLike<number>, y: Float64Array, accumulate = false,
): void {
  if (!accumulate) y.fill(0, 0, cols);
  let i = 0;
  for (; i + 3 < rows; i += 4) {
    const x0 = x[i]!;
    const x1 = x[i + 1]!;
    const x2 = x[i + 2]!;
    const x3 = x[i + 3]!;
    const r0 = offset + i * cols;
    const r1 = r0 + cols;
    const r2 = r1 + cols;
    const r3 = r2 + cols;
    for (let k = 0; k < cols; k++) {
      y[k] = y[k]! + m[r0 + k]! * x0 + m[r1 + k]! * x1 + m[r2 + k]! * x2 + m[r3 + k]! * x3;
    }
  }
  for (; i < rows; i++) {
    const xi = x[i]!;
    if (xi === 0) continue;
    const r = offset + i * cols;
    for (let k = 0; k < cols; k++) y[k] += m[r + k]! * xi;
  }
}

/** Row-major transpose: out (cols x rows) = M' for M `rows x cols` at `offset`. */
export function transposeInto(m: Float64Array, offset: number, rows: number, cols: number, out: Float64Array): void {
  for (let i = 0; i < rows; i++) {
    const r = offset + i * cols;
    for (let k = 0; k < cols; k++) out[k * rows + i] = m[r + k]!;
  }
}

/** Max-norm of the first `len` entries of `v` (NaN propagates). */
export function maxAbs(v: ArrayLike<number>, len = v.length, offset = 0): number {
  let r = 0;
  for (let i = 0; i < len; i++) {
    const a = Math.abs(v[offset + i]!);
    if (!(a <= r)) r = a; // NaN-propagating max
  }
  return r;
}

/** Inner product of the first `len` entries. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>, len: number): number {
  let s = 0;
  for (let i = 0; i < len; i++) s += a[i]! * b[i]!;
  return s;
}
