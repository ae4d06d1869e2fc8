/**
 * Error hierarchy shared by every folder. Misuse (bad shapes, non-DCP input,
 * NaN parameters) throws one of these at once, naming the culprit; numerical
 * failure is reported as a solver status instead (see `status.ts`).
 */

/** Base class of every error optlayers throws on purpose. */
export class OptlayersError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** An argument has the wrong shape or size. */
export class ShapeError extends OptlayersError {}

/** An argument has a forbidden value: NaN/Inf, unset parameter, wrong sign, out of range. */
export class ValueError extends OptlayersError {}

/** A problem violates the disciplined convex programming (DCP) rules. */
export class DcpError extends OptlayersError {}

/** A problem violates the disciplined parametrized programming (DPP) rules. */
export class DppError extends OptlayersError {}

/** A feature the library does not provide (e.g. PSD cones without LAPACK). */
export class UnsupportedError extends OptlayersError {}

/**
 * A solve ended with a non-optimal status and the caller asked for that to
 * throw. Carries the status and, for batched solves, the batch index.
 */
export class SolverError extends OptlayersError {
  constructor(
    message: string,
    readonly status: string,
    readonly batchIndex?: number,
  ) {
    super(message);
  }
}

/** Throws a `ValueError` naming `what` if any entry of `values` is NaN or infinite. */
export function assertFinite(values: ArrayLike<number>, what: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) {
      throw new ValueError(`${what} has a non-finite entry ${v} at flat index ${i}`);
    }
  }
}
