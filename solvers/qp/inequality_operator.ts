import { gramLowerAccumulate, matTVec, matVec, transposeInto } from '../linalg/dense_kernels.js';

/**
 * Scratch of the dense weighted Gram product, shared by every example one
 * thread solves (examples are solved one after another): G' (n x m), its
 * scaled copy G' diag(sqrt w), and sqrt w. `owner` records which operator's
 * G' the `gt` buffer currently holds, so a batched G is transposed once per
 * example rather than once per factorization.
 */
export class GramWorkspace {
  gt = new Float64Array(0);
  scaled = new Float64Array(0);
  sw = new Float64Array(0);
  owner: InequalityOperator | null = null;

  /** Grows the buffers to hold an m x n problem. */
  reserve(m: number, n: number): void {
    if (this.gt.length < m * n) {
      this.gt = new Float64Array(m * n);
      this.scaled = new Float64Array(m * n);
      this.owner = null;
    }
    if (this.sw.length < m) this.sw = new Float64Array(m);
  }
}

/**
 * The inequality matrix G (m x n) of one QP example, in the layout its
 * products need: row-major G for G v, its transpose for the weighted Gram
 * matrix G'WG (a Gram matrix of contiguous rows), or a compressed-row form
 * when G is sparse (e.g. G = -I, box constraints), where G'WG costs
 * sum_k nnz(row k)^2 instead of m n^2 and is diagonal when every row has at
 * most one entry. Shared G's are analysed (and, when dense, transposed) once
 * and reused by every example; a batched G is transposed lazily into the
 * thread's `GramWorkspace` the first time its Gram matrix is needed.
 */
export class InequalityOperator {
  /** True when G'WG is diagonal for every W (each row of G has at most one nonzero). */
  readonly gramIsDiagonal: boolean;
  private readonly rowPtr: Int32Array | null;
  private readonly colIdx: Int32Array | null;
  private readonly vals: Float64Array | null;
  /** G' (n x m) owned by a shared operator; null for sparse or batched G. */
  private readonly ownGt: Float64Array | null;
  private readonly workspace: GramWorkspace;

  constructor(
    readonly g: Float64Array,
    readonly offset: number,
    readonly m: number,
    readonly n: number,
    analyse: boolean,
    workspace: GramWorkspace = new GramWorkspace(),
  ) {
    this.workspace = workspace;
    let nnz = 0;
    if (analyse) for (let i = 0; i < m * n; i++) if (g[offset + i] !== 0) nnz++;
    const sparse = analyse && nnz <= 0.15 * m * n;
    if (sparse) {
      this.rowPtr = new Int32Array(m + 1);
      this.colIdx = new Int32Array(nnz);
      this.vals = new Float64Array(nnz);
      let t = 0;
      let maxRow = 0;
      for (let k = 0; k < m; k++) {
        for (let j = 0; j < n; j++) {
          const v = g[offset + k * n + j]!;
          if (v !== 0) {
            this.colIdx[t] = j;
            this.vals[t++] = v;
          }
        }
        this.rowPtr[k + 1] = t;
        maxRow = Math.max(maxRow, this.rowPtr[k + 1]! - this.rowPtr[k]!);
      }
      this.gramIsDiagonal = maxRow <= 1;
      this.ownGt = null;
    } else {
      this.rowPtr = null;
      this.colIdx = null;
      this.vals = null;
      this.gramIsDiagonal = m === 0;
      this.ownGt = analyse && m > 0 ? new Float64Array(m * n) : null;
      if (this.ownGt) transposeInto(g, offset, m, n, this.ownGt);
    }
  }

  /** y = G v (y += G v when `accumulate`). */
  apply(v: ArrayLike<number>, y: Float64Array, accumulate = false): void {
    const { rowPtr, colIdx, vals } = this;
    if (rowPtr && colIdx && vals) {
      for (let k = 0; k < this.m; k++) {
        let s = 0;
        for (let t = rowPtr[k]!; t < rowPtr[k + 1]!; t++) s += vals[t]! * v[colIdx[t]!]!;
        y[k] = accumulate ? y[k]! + s : s;
      }
    } else {
      matVec(this.g, this.offset, this.m, this.n, v, y, accumulate);
    }
  }

  /** y = G' w (y += G' w when `accumulate`). */
  applyTranspose(w: ArrayLike<number>, y: Float64Array, accumulate = false): void {
    const { rowPtr, colIdx, vals } = this;
    if (rowPtr && colIdx && vals) {
      if (!accumulate) y.fill(0, 0, this.n);
      for (let k = 0; k < this.m; k++) {
        const wk = w[k]!;
        for (let t = rowPtr[k]!; t < rowPtr[k + 1]!; t++) y[colIdx[t]!] += vals[t]! * wk;
      }
    } else {
      matTVec(this.g, this.offset, this.m, this.n, w, y, accumulate);
    }
  }

  /**
   * out += G' diag(w) G on the lower triangle (n x n row-major), w >= 0.
   * Dense: Gram matrix of the rows of G' diag(sqrt w) (`gramLowerAccumulate`).
   */
  addWeightedGram(w: Float64Array, out: Float64Array): void {
    const { rowPtr, colIdx, vals, m, n } = this;
    if (rowPtr && colIdx && vals) {
      for (let k = 0; k < m; k++) {
        const wk = w[k]!;
        for (let s = rowPtr[k]!; s < rowPtr[k + 1]!; s++) {
          const i = colIdx[s]!;
          const wi = wk * vals[s]!;
          for (let t = rowPtr[k]!; t <= s; t++) out[i * n + colIdx[t]!] += wi * vals[t]!;
        }
      }
      return;
    }
    const ws = this.workspace;
    ws.reserve(m, n);
    let gt = this.ownGt;
    if (!gt) {
      gt = ws.gt;
      if (ws.owner !== this) {
        transposeInto(this.g, this.offset, m, n, gt);
        ws.owner = this;
      }
    }
    const x = ws.scaled;
    const sw = ws.sw;
    for (let k = 0; k < m; k++) sw[k] = Math.sqrt(w[k]!);
    for (let i = 0; i < n; i++) {
      const r = i * m;
      for (let k = 0; k < m; k++) x[r + k] = gt[r + k]! * sw[k]!;
    }
    gramLowerAccumulate(x, n, m, out);
  }

  /** out[k] = |g_k|^2, the squared norm of row k of G. */
  rowNormsSquared(out: Float64Array): void {
    const { rowPtr, vals } = this;
    for (let k = 0; k < this.m; k++) {
      let t = 0;
      if (rowPtr && vals) {
        for (let s = rowPtr[k]!; s < rowPtr[k + 1]!; s++) t += vals[s]! * vals[s]!;
      } else {
        const r = this.offset + k * this.n;
        for (let j = 0; j < this.n; j++) t += this.g[r + j]! * this.g[r + j]!;
      }
      out[k] = t;
    }
  }

  /** y = |G| v (entrywise absolute values of G; v >= 0). */
  applyAbs(v: ArrayLike<number>, y: Float64Array): void {
    const { rowPtr, colIdx, vals, m, n } = this;
    for (let k = 0; k < m; k++) {
      let s = 0;
      if (rowPtr && colIdx && vals) {
        for (let t = rowPtr[k]!; t < rowPtr[k + 1]!; t++) s += Math.abs(vals[t]!) * v[colIdx[t]!]!;
      } else {
        const r = this.offset + k * n;
        for (let j = 0; j < n; j++) s += Math.abs(this.g[r + j]!) * v[j]!;
      }
      y[k] = s;
    }
  }

  /** y += |G|' w (entrywise absolute values of G; w >= 0): the magnitudes behind G'w. */
  applyAbsTransposeAccumulate(w: ArrayLike<number>, y: Float64Array): void {
    const { rowPtr, colIdx, vals, m, n } = this;
    for (let k = 0; k < m; k++) {
      const wk = w[k]!;
      if (wk === 0) continue;
      if (rowPtr && colIdx && vals) {
        for (let t = rowPtr[k]!; t < rowPtr[k + 1]!; t++) y[colIdx[t]!] += Math.abs(vals[t]!) * wk;
      } else {
        const r = this.offset + k * n;
        for (let j = 0; j < n; j++) y[j] += Math.abs(this.g[r + j]!) * wk;
      }
    }
  }

  /** rowSums[k] = |g_k|_1 (row 1-norms) and colSums[j] = sum_k |G_kj| (column 1-norms), in O(nnz). */
  absSums(rowSums: Float64Array, colSums: Float64Array): void {
    const { rowPtr, colIdx, vals, m, n } = this;
    colSums.fill(0, 0, n);
    for (let k = 0; k < m; k++) {
      let t = 0;
      if (rowPtr && colIdx && vals) {
        for (let s = rowPtr[k]!; s < rowPtr[k + 1]!; s++) {
          const a = Math.abs(vals[s]!);
          t += a;
          colSums[colIdx[s]!] += a;
        }
      } else {
        const r = this.offset + k * n;
        for (let j = 0; j < n; j++) {
          const a = Math.abs(this.g[r + j]!);
          t += a;
          colSums[j] += a;
        }
      }
      rowSums[k] = t;
    }
  }

  /** Diagonal of G' diag(w) G added into d (only valid when `gramIsDiagonal`). */
  addWeightedGramDiagonal(w: Float64Array, d: Float64Array): void {
    const { rowPtr, colIdx, vals } = this;
    if (!rowPtr || !colIdx || !vals) return;
    for (let k = 0; k < this.m; k++) {
      for (let t = rowPtr[k]!; t < rowPtr[k + 1]!; t++) d[colIdx[t]!] += w[k]! * vals[t]! * vals[t]!;
    }
  }
}
