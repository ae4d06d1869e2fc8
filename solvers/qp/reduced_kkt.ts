import { choleskyInPlace, solveLowerInPlace, solveLowerTransposeInPlace } from '../linalg/cholesky.js';
import { gramLowerAccumulate, matTVec, matVec, maxAbs } from '../linalg/dense_kernels.js';
import type { InequalityOperator } from './inequality_operator.js';

/** Scalars at the head of the storage: delta, scale, rho, and 1 when the factors match `w` (0: deferred). */
const META_SIZE = 4;

/** Outcome of factoring the reduced KKT matrix. */
export type KktFactorOutcome = 'ok' | 'nonfinite' | 'indefinite';

/**
 * The reduced KKT system of one QP example at inequality weights W = diag(w),
 *   [ H  A' ] [dz ]   [r1]
 *   [ A  0  ] [dnu] = [r2],      H = Q + G' W G,
 * obtained from the full Newton system of the interior point method by
 * eliminating the slack and inequality-multiplier steps (w = lam / s).
 *
 * Factorization (quasidefinite with static regularization, as in OSQP/QDLDL):
 *   K = H + delta I = L L'            (Cholesky; delta relative to max diag H)
 *   V = L^-1 A',  S = V'V + delta2 I = Ls Ls'   (equality Schur complement)
 * so Q may be singular or zero and equality rows may be redundant. The
 * regularized solve is used as the preconditioner of iterative refinement on
 * the unregularized system, which removes the delta bias (Wright, "Primal-Dual
 * Interior-Point Methods", ch. 11). The factors are kept so the backward pass
 * solves with them without refactoring (OptNet, Amos & Kolter 2017, eq. 7).
 *
 * When Q is diagonal and G'WG is diagonal (e.g. G = -I), K is diagonal and
 * the factorization costs O(n) instead of O(n^3).
 *
 * Everything the backward pass needs (delta, scale, L, 1/diag L, W, V, Ls,
 * 1/diag Ls) lives in one Float64Array of `ReducedKkt.storageSize` entries,
 * which may be a slice of a SharedArrayBuffer: a factorization computed on a
 * worker thread is then read in place by the thread running the backward
 * pass (`restore = true` reattaches to it without refactoring).
 */
export class ReducedKkt {
  /** Inequality weights of the current factorization. */
  readonly w: Float64Array;
  /** [delta, scale] (delta < 0: not yet fixed). */
  private readonly meta: Float64Array;
  private readonly l: Float64Array;
  private readonly invDiag: Float64Array;
  private readonly v: Float64Array;
  private readonly s: Float64Array;
  private readonly invDiagS: Float64Array;
  private readonly ty: Float64Array;
  private readonly tnu: Float64Array;
  private readonly e1: Float64Array;
  private readonly e2: Float64Array;
  /** rho r2 of the augmented right-hand side (separate: callers pass e2 as r2). */
  private readonly rr2: Float64Array;
  private readonly cz: Float64Array;
  private readonly cnu: Float64Array;
  private readonly gv: Float64Array;
  private readonly diagonal: boolean;
  /** Relative residual of the last solve after refinement. */
  lastResidual = 0;

  /** Entries of the storage array of one factorization (see the class comment). */
  static storageSize(n: number, m: number, neq: number, diagonal: boolean): number {
    return META_SIZE + (diagonal ? n : n * n) + n + m + neq * n + neq * neq + neq;
  }

  /**
   * Augmented-Lagrangian weight rho of the dense factorization with
   * equalities (0 otherwise): K = H + rho A'A + delta I is factored instead of
   * H + delta I. Since A dz = r2, the system H dz + A'dnu = r1 is the same as
   * (H + rho A'A) dz + A'dnu = r1 + rho A'r2, but K is positive definite
   * whenever the KKT matrix is nonsingular (null H and null A meet only at 0),
   * so a singular Q block (e.g. canonicalization's copies t = x of quadForm)
   * no longer leaves the equality Schur complement A (H + delta I)^-1 A' with
   * entries of order 1/delta. By Woodbury, A K^-1 A' = (S_0^-1 + rho I)^-1 has
   * eigenvalues in (0, 1/rho]: well scaled for any H.
   */
  get rho(): number {
    return this.meta[2]!;
  }

  /**
   * Static regularization, fixed at the first factorization from the scale of
   * Q + G'G (W = I): a delta tied to later, W-dominated diagonals (lam/s up to
   * 1e12) would swamp Q's small eigenvalues and stall refinement.
   */
  private get delta(): number {
    return this.meta[0]!;
  }

  private set delta(v: number) {
    this.meta[0] = v;
  }

  /** Largest diagonal of Q + G'G seen at the first factorization (the problem's curvature scale). */
  get scale(): number {
    return this.meta[1]!;
  }

  private set scale(v: number) {
    this.meta[1] = v;
  }

  constructor(
    readonly n: number,
    readonly m: number,
    readonly neq: number,
    /** Symmetrized Q (row-major n x n) and its offset. */
    private readonly q: Float64Array,
    private readonly qOff: number,
    qDiagonal: boolean,
    private readonly g: InequalityOperator,
    private readonly a: Float64Array,
    private readonly aOff: number,
    private readonly regularization: number,
    readonly refinementSteps: number,
    /** Storage of at least `storageSize` entries (allocated when omitted). */
    storage?: Float64Array,
    /** Reattach to a factorization already in `storage` instead of starting fresh. */
    restore = false,
  ) {
    this.diagonal = qDiagonal && g.gramIsDiagonal;
    const size = ReducedKkt.storageSize(n, m, neq, this.diagonal);
    const store = storage ?? new Float64Array(size);
    if (store.length < size) throw new RangeError(`KKT storage has ${store.length} entries, needs ${size}`);
    let at = 0;
    const take = (len: number): Float64Array => store.subarray(at, (at += len));
    this.meta = take(META_SIZE);
    this.l = take(this.diagonal ? n : n * n);
    this.invDiag = take(n);
    this.w = take(m);
    this.v = take(neq * n);
    this.s = take(neq * neq);
    this.invDiagS = take(neq);
    if (!restore) {
      this.meta[0] = -1;
      this.meta[1] = 1;
      this.meta[2] = 0;
      this.meta[3] = 0;
    }
    this.ty = new Float64Array(n);
    this.tnu = new Float64Array(neq);
    this.e1 = new Float64Array(n);
    this.e2 = new Float64Array(neq);
    this.rr2 = new Float64Array(neq);
    this.cz = new Float64Array(n);
    this.cnu = new Float64Array(neq);
    this.gv = new Float64Array(m);
  }

  /** Factors the regularized reduced KKT matrix at weights `w` (copied). */
  factor(w: ArrayLike<number>): KktFactorOutcome {
    const outcome = this.factorAt(w);
    this.meta[3] = outcome === 'ok' ? 1 : 0;
    return outcome;
  }

  /**
   * Records the weights `w` (copied) of a factorization that only a backward
   * pass needs, without computing it: `ensureFactored` computes it on first
   * use. The solver's last factorization at the returned point serves no
   * forward purpose, so pure inference never pays its O(n^2 m + n^3) cost.
   */
  deferFactor(w: ArrayLike<number>): void {
    for (let k = 0; k < this.m; k++) this.w[k] = w[k]!;
    this.meta[3] = 0;
  }

  /** True when the stored factors match the stored weights (false after `deferFactor` until `ensureFactored`). */
  get isFactored(): boolean {
    return this.meta[3] === 1;
  }

  /**
   * Computes a deferred factorization (see `deferFactor`) at the stored
   * weights; 'ok' at once when the factors are current. The result stays in
   * the storage, so later backward calls reuse it.
   */
  ensureFactored(): KktFactorOutcome {
    return this.isFactored ? 'ok' : this.factor(this.w);
  }

  private factorAt(w: ArrayLike<number>): KktFactorOutcome {
    const { n, neq, q, qOff, l, invDiag } = this;
    for (let k = 0; k < this.m; k++) this.w[k] = w[k]!;
    let maxDiag = 0;
    if (this.diagonal) {
      for (let i = 0; i < n; i++) l[i] = q[qOff + i * n + i]!;
      this.g.addWeightedGramDiagonal(this.w, l);
      for (let i = 0; i < n; i++) maxDiag = Math.max(maxDiag, l[i]!);
      if (!Number.isFinite(maxDiag)) return 'nonfinite';
      if (this.delta < 0) {
        this.scale = maxDiag > 0 ? maxDiag : 1;
        this.delta = this.regularization * this.scale;
      }
      const delta = this.delta;
      for (let i = 0; i < n; i++) {
        const d = l[i]! + delta;
        if (d < -1e-6 * maxDiag) return 'indefinite';
        const sq = Math.sqrt(d > delta / 2 ? d : delta);
        l[i] = sq;
        invDiag[i] = 1 / sq;
      }
    } else {
      for (let i = 0; i < n; i++) {
        const r = i * n;
        for (let j = 0; j <= i; j++) l[r + j] = q[qOff + r + j]!;
      }
      this.g.addWeightedGram(this.w, l);
      for (let i = 0; i < n; i++) maxDiag = Math.max(maxDiag, l[i * n + i]!);
      if (!Number.isFinite(maxDiag)) return 'nonfinite';
      if (this.delta < 0) {
        this.scale = maxDiag > 0 ? maxDiag : 1;
        this.delta = this.regularization * this.scale;
        if (neq > 0) {
          // rho A'A on the scale of H's diagonal: large enough to lift H's null space, small enough
          // not to swamp its curvature in the factorization.
          let maxRow = 0;
          for (let j = 0; j < neq; j++) {
            let t = 0;
            for (let k = 0; k < n; k++) t += this.a[this.aOff + j * n + k]! ** 2;
            maxRow = Math.max(maxRow, t);
          }
          this.meta[2] = maxRow > 0 ? this.scale / maxRow : 0;
        }
      }
      if (this.rho > 0) {
        this.addAugmentation(l);
        for (let i = 0; i < n; i++) maxDiag = Math.max(maxDiag, l[i * n + i]!);
      }
      const delta = this.delta;
      for (let i = 0; i < n; i++) l[i * n + i] += delta;
      // Pivots of the exact K are >= delta; one far below zero means Q is not PSD.
      const info = choleskyInPlace(l, n, invDiag, delta / 2, delta);
      if (!info.finite) return 'nonfinite';
      if (info.minPivot < -1e-6 * maxDiag) return 'indefinite';
    }
    if (neq > 0) {
      const { v, s, invDiagS } = this;
      for (let j = 0; j < neq; j++) {
        const row = v.subarray(j * n, (j + 1) * n);
        for (let k = 0; k < n; k++) row[k] = this.a[this.aOff + j * n + k]!;
        this.lowerSolve(row);
      }
      let maxS = 0;
      for (let i = 0; i < neq; i++) {
        for (let j = 0; j <= i; j++) {
          let t = 0;
          const ri = i * n;
          const rj = j * n;
          for (let k = 0; k < n; k++) t += v[ri + k]! * v[rj + k]!;
          s[i * neq + j] = t;
        }
        maxS = Math.max(maxS, s[i * neq + i]!);
      }
      if (!Number.isFinite(maxS)) return 'nonfinite';
      const delta2 = this.regularization * (maxS > 0 ? maxS : 1);
      for (let i = 0; i < neq; i++) s[i * neq + i] += delta2;
      const info = choleskyInPlace(s, neq, invDiagS, delta2 / 2, delta2);
      if (!info.finite) return 'nonfinite';
    }
    return 'ok';
  }

  /**
   * l += rho A'A on the lower triangle (row-major n x n), as the Gram matrix of
   * the rows of sqrt(rho) A' (n x neq, built once) with the tiled kernel.
   */
  private addAugmentation(l: Float64Array): void {
    const { n, neq, a, aOff } = this;
    if (!this.scaledAt) {
      const x = new Float64Array(n * neq);
      const sr = Math.sqrt(this.rho);
      for (let j = 0; j < neq; j++) for (let i = 0; i < n; i++) x[i * neq + j] = sr * a[aOff + j * n + i]!;
      this.scaledAt = x;
    }
    gramLowerAccumulate(this.scaledAt, n, neq, l);
  }

  /** sqrt(rho) A' (n x neq), for `addAugmentation`. */
  private scaledAt: Float64Array | null = null;

  private lowerSolve(b: Float64Array): void {
    if (this.diagonal) {
      for (let i = 0; i < this.n; i++) b[i] *= this.invDiag[i]!;
    } else {
      solveLowerInPlace(this.l, this.n, this.invDiag, b);
    }
  }

  private lowerTransposeSolve(b: Float64Array): void {
    if (this.diagonal) {
      for (let i = 0; i < this.n; i++) b[i] *= this.invDiag[i]!;
    } else {
      solveLowerTransposeInPlace(this.l, this.n, this.invDiag, b);
    }
  }

  /** One application of the regularized inverse: (dz, dnu) = P^-1 (r1, r2). */
  private applyPreconditioner(r1: ArrayLike<number>, r2: ArrayLike<number>, dz: Float64Array, dnu: Float64Array): void {
    const { n, neq, ty, v } = this;
    for (let i = 0; i < n; i++) ty[i] = r1[i]!;
    // The augmented system's right-hand side r1 + rho A'r2 (see `rho`).
    if (this.rho > 0) {
      for (let j = 0; j < neq; j++) this.rr2[j] = this.rho * r2[j]!;
      matTVec(this.a, this.aOff, neq, n, this.rr2, ty, true);
    }
    this.lowerSolve(ty);
    if (neq > 0) {
      matVec(v, 0, neq, n, ty, dnu);
      for (let j = 0; j < neq; j++) dnu[j] -= r2[j]!;
      solveLowerInPlace(this.s, neq, this.invDiagS, dnu);
      solveLowerTransposeInPlace(this.s, neq, this.invDiagS, dnu);
      for (let j = 0; j < neq; j++) {
        const c = dnu[j]!;
        const r = j * n;
        for (let k = 0; k < n; k++) ty[k] -= v[r + k]! * c;
      }
    }
    this.lowerTransposeSolve(ty);
    for (let i = 0; i < n; i++) dz[i] = ty[i]!;
  }

  /** out = H x = Q x + G'(w .* (G x)) with the symmetrized Q. */
  applyH(x: ArrayLike<number>, out: Float64Array): void {
    matVec(this.q, this.qOff, this.n, this.n, x, out);
    if (this.m > 0) {
      const gv = this.gv;
      this.g.apply(x, gv);
      for (let k = 0; k < this.m; k++) gv[k] *= this.w[k]!;
      this.g.applyTranspose(gv, out, true);
    }
  }

  /**
   * Solves the reduced KKT system for (dz, dnu) with `steps` iterative
   * refinement steps; returns the final residual max-norm relative to
   * max(1e-300, |r|_inf) (NaN when `steps` is 0 and no residual was formed).
   */
  solve(r1: ArrayLike<number>, r2: ArrayLike<number>, dz: Float64Array, dnu: Float64Array, steps = this.refinementSteps): number {
    const { n, neq, e1, e2, cz, cnu } = this;
    this.applyPreconditioner(r1, r2, dz, dnu);
    if (steps === 0) return NaN;
    const rNorm = Math.max(maxAbs(r1, n), maxAbs(r2, neq), 1e-300);
    let res = Infinity;
    for (let step = 0; step <= steps; step++) {
      this.applyH(dz, e1);
      if (neq > 0) matTVec(this.a, this.aOff, neq, n, dnu, e1, true);
      for (let i = 0; i < n; i++) e1[i] = r1[i]! - e1[i]!;
      if (neq > 0) {
        matVec(this.a, this.aOff, neq, n, dz, e2);
        for (let j = 0; j < neq; j++) e2[j] = r2[j]! - e2[j]!;
      }
      const newRes = Math.max(maxAbs(e1, n), maxAbs(e2, neq)) / rNorm;
      if (!(newRes < res)) {
        if (step > 0) {
          // Refinement stopped helping: undo the last correction.
          for (let i = 0; i < n; i++) dz[i] -= cz[i]!;
          for (let j = 0; j < neq; j++) dnu[j] -= cnu[j]!;
        }
        break;
      }
      res = newRes;
      if (res <= 1e-14 || step === steps) break;
      this.applyPreconditioner(e1, e2, cz, cnu);
      for (let i = 0; i < n; i++) dz[i] += cz[i]!;
      for (let j = 0; j < neq; j++) dnu[j] += cnu[j]!;
    }
    this.lastResidual = res;
    return res;
  }
}
