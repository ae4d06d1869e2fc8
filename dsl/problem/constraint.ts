import type { Expression } from '../expr/expression.js';
import { type Shape, broadcastShapes, formatShape } from '../shape.js';
import type { Value } from '../value.js';
import { ShapeError } from '../../solvers/errors.js';

let nextConstraintId = 0;

/**
 * A constraint of a problem. After a solve, `dualValue` holds its optimal
 * dual variable (CVXPY's convention): >= 0 for inequalities, free for
 * equalities, in the second-order cone for `soc`.
 */
export abstract class Constraint {
  readonly id = nextConstraintId++;
  /** Shape of the dual value. */
  abstract readonly shape: Shape;
  abstract readonly kind: 'le' | 'eq' | 'soc';
  abstract readonly args: readonly Expression[];
  /** Set by `problem.solve()` when the solve succeeds. */
  dualValue: Value | undefined = undefined;

  get name(): string {
    return `constraint${this.id}: ${this.toString()}`;
  }
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
  toString(): string {
    return `norm2(${this.x}) <= ${this.t}`;
  }
}
