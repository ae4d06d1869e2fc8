import type { Expression } from '../expr/expression.js';
import { type Shape, broadcastShapes, formatShape } from '../shape.js';
import type { Value } from '../value.js';
import { ShapeError, ValueError } from '../../solvers/errors.js';

let nextConstraintId = 0;

/**
 * A constraint of a problem. After a solve, `dualValue` holds its optimal
 * dual variable (CVXPY's convention): >= 0 for inequalities, free for
 * equalities, in the second-order cone for `soc`, in the dual power cone for `power`.
 */
export abstract class Constraint {
  readonly id = nextConstraintId++;
  /** Shape of the dual value. */
  abstract readonly shape: Shape;
  abstract readonly kind: 'le' | 'eq' | 'soc' | 'power';
  abstract readonly args: readonly Expression[];
  /** Set by `problem.solve()` when the solve succeeds. */
  dualValue: Value | undefined = undefined;

  get name(): string {
    return `constraint${this.id}: ${this.toString()}`;
  }
  /** The constraint as text, e.g. `x >= 0` (what errors and `label()` quote). */
  abstract toString(): string;
}

/** lhs <= rhs entrywise (scalars broadcast); cone form rhs - lhs in the nonnegative orthant. Dual >= 0. */
export class Inequality extends Constraint {
  readonly kind = 'le';
  readonly shape: Shape;
  readonly args: readonly Expression[];

  constructor(
    readonly lhs: Expression,
    readonly rhs: Expression,
  ) {
    super();
    this.args = [lhs, rhs];
    this.shape = broadcastShapes([lhs.shape, rhs.shape], () => [lhs.toString(), rhs.toString()], 'inequality');
  }
  /** The constraint as text. */
  toString(): string {
    return `${this.lhs} <= ${this.rhs}`;
  }
}

/** lhs == rhs entrywise (scalars broadcast); cone form lhs - rhs in the zero cone. Dual free. */
export class Equality extends Constraint {
  readonly kind = 'eq';
  readonly shape: Shape;
  readonly args: readonly Expression[];

  constructor(
    readonly lhs: Expression,
    readonly rhs: Expression,
  ) {
    super();
    this.args = [lhs, rhs];
    this.shape = broadcastShapes([lhs.shape, rhs.shape], () => [lhs.toString(), rhs.toString()], 'equality');
  }
  /** The constraint as text. */
  toString(): string {
    return `${this.lhs} == ${this.rhs}`;
  }
}

/** |x|_2 <= t (x flattened; t scalar): (t, x) in the second-order cone. Dual in the cone, t's entry first. */
export class SocConstraint extends Constraint {
  readonly kind = 'soc';
  readonly shape: Shape;
  readonly args: readonly Expression[];

  constructor(
    readonly t: Expression,
    readonly x: Expression,
  ) {
    super();
    if (t.size !== 1) throw new ShapeError(`soc: t = ${t} must be a scalar, got shape ${formatShape(t.shape)}`);
    this.args = [t, x];
    this.shape = [1 + x.size];
  }
  /** The constraint as text. */
  toString(): string {
    return `norm2(${this.x}) <= ${this.t}`;
  }
}

/**
 * The 3-dimensional power cone, entrywise (CVXPY's `PowCone3D`):
 *   |z_i| <= x_i^alpha_i y_i^(1 - alpha_i),  x_i >= 0, y_i >= 0,  0 < alpha_i < 1.
 * x, y, z are affine expressions of one common size (size-1 operands
 * broadcast), possibly parameter-dependent; alpha is a constant (one number, or
 * one per entry): it selects the cone, so it cannot be a parameter. The dual
 * value has shape (n, 3), row i = (u, v, w) in the dual cone
 * (u/alpha)^alpha (v/(1-alpha))^(1-alpha) >= |w|.
 */
export class PowConeConstraint extends Constraint {
  readonly kind = 'power';
  readonly shape: Shape;
  readonly args: readonly Expression[];
  /** The exponent of each of the `count` cones. */
  readonly alphas: readonly number[];
  /** Number of cones (the common size of x, y, z). */
  readonly count: number;

  constructor(
    readonly x: Expression,
    readonly y: Expression,
    readonly z: Expression,
    alpha: number | readonly number[],
  ) {
    super();
    this.args = [x, y, z];
    const shape = broadcastShapes([x.shape, y.shape, z.shape], () => [x.toString(), y.toString(), z.toString()], 'powCone');
    this.count = shape.reduce((a, b) => a * b, 1);
    const alphas = typeof alpha === 'number' ? new Array<number>(this.count).fill(alpha) : [...alpha];
    if (alphas.length !== this.count) {
      throw new ShapeError(`powCone(${x}, ${y}, ${z}): alpha has ${alphas.length} entries, expected 1 or ${this.count} (one per cone)`);
    }
    alphas.forEach((a, i) => {
      if (typeof a !== 'number' || !(a > 0 && a < 1)) throw new ValueError(`powCone(${x}, ${y}, ${z}): alpha[${i}] = ${String(a)} must lie strictly between 0 and 1`);
    });
    this.alphas = alphas;
    this.shape = [this.count, 3];
  }
  /** The constraint as text. */
  toString(): string {
    const a = this.alphas.every((v) => v === this.alphas[0]) ? String(this.alphas[0]) : `[${this.alphas.join(', ')}]`;
    return `powCone(${this.x}, ${this.y}, ${this.z}, alpha=${a})`;
  }
}
