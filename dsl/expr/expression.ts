import type { AffineTensor } from '../canon/affine_tensor.js';
import { Inequality, Equality, type Constraint } from '../problem/constraint.js';
import { type Shape, formatShape, normalizeShape, shapeSize } from '../shape.js';
import { type NumericInput, Value, toValue } from '../value.js';
import { ShapeError } from '../../solvers/errors.js';
import type { AffineOp } from './affine_op.js';
import { type IntrinsicCurvature, type Monotonicity, type Sign, signOfValues } from './sign.js';
import { addOp, subOp } from '../affine/add.js';
import { negateOp } from '../affine/negate.js';
import { multiplyOp, divideOp } from '../affine/multiply.js';
import { matmulOp } from '../affine/matmul.js';
import { indexOp, type IndexData } from '../affine/index_slice.js';
import { sumOp } from '../affine/sum.js';
import { reshapeOp } from '../affine/reshape.js';
import { transposeOp } from '../affine/transpose.js';

/** Anything accepted where an expression is expected: an expression, a number, nested arrays or a Float64Array. */
export type ExprLike = Expression | NumericInput;

let nextUid = 0;

/** Longest sub-expression text quoted in an error message. */
const MAX_TEXT = 160;

/**
 * A node of the expression tree. Every node knows its shape, its arguments,
 * how to evaluate itself numerically, how to print itself, and the local DCP
 * facts (intrinsic curvature, sign, monotonicity per argument); the
 * composition rule that combines them lives once in `analysis/dcp.ts`.
 */
export abstract class Expression {
  /** Unique per node, in creation order. */
  readonly uid = nextUid++;
  /** Number of entries (the product of the shape's dimensions; 1 for a scalar). */
  readonly size: number;

  /** @param shape The node's shape: `[]` scalar, `[n]` vector, `[m, n]` matrix. */
  constructor(readonly shape: Shape) {
    this.size = shapeSize(shape);
  }

  abstract readonly kind: 'variable' | 'parameter' | 'constant' | 'affine' | 'atom';
  abstract readonly args: readonly Expression[];

  /** Numeric value from the arguments' values; a leaf returns its own value (undefined when unset). */
  abstract evaluate(args: readonly Float64Array[]): Float64Array | undefined;
  /** Text of this node given its arguments' texts. */
  abstract format(args: readonly string[]): string;
  /** Intrinsic curvature (leaves are affine). */
  curvatureType(): IntrinsicCurvature {
    return 'affine';
  }
  /** Monotonicity in argument i, given the arguments' signs. */
  monotonicity(_i: number, _argSigns: readonly Sign[]): Monotonicity {
    return 'increasing';
  }
  /** Sign given the arguments' signs. */
  abstract sign(argSigns: readonly Sign[]): Sign;
  /** Set for bilinear operators (see AffineOp.product). */
  productKind(): 'multiply' | 'divide' | undefined {
    return undefined;
  }
  /** Arguments that are data (e.g. quadForm's P): they must be constant, and parameter-free under DPP. */
  dataArgs(): readonly number[] {
    return [];
  }

  /** The expression as text, e.g. `sum_squares(x - a)`, shortened past 160 characters (what DCP errors quote). */
  toString(): string {
    const memo = new Map<Expression, string>();
    const go = (e: Expression): string => {
      let s = memo.get(e);
      if (s === undefined) {
        s = e.format(e.args.map(go));
        if (s.length > 4 * MAX_TEXT) s = s.slice(0, 4 * MAX_TEXT) + '...';
        memo.set(e, s);
      }
      return s;
    };
    const s = go(this);
    return s.length > MAX_TEXT ? s.slice(0, MAX_TEXT) + '...' : s;
  }

  /** Numeric value from the current variable and parameter values, or undefined if one of them is unset. */
  get value(): Value | undefined {
    const data = evaluateExpression(this);
    // A copy, so callers cannot mutate a constant's storage through the value.
    return data === undefined ? undefined : new Value(this.shape, data.slice());
  }

  /** Elementwise sum (scalars broadcast); `other` may be an expression, a number or an array. */
  add(other: ExprLike): Expression {
    return makeAffine(addOp, [this, toExpression(other)], undefined);
  }
  /** Elementwise difference this - other (scalars broadcast). */
  sub(other: ExprLike): Expression {
    return makeAffine(subOp, [this, toExpression(other)], undefined);
  }
  /** Elementwise product (scalars broadcast); one factor must be constant or a parameter expression. */
  mul(other: ExprLike): Expression {
    return makeAffine(multiplyOp, [this, toExpression(other)], undefined);
  }
  /** Elementwise division by a constant or parameter expression (scalars broadcast). */
  div(other: ExprLike): Expression {
    return makeAffine(divideOp, [this, toExpression(other)], undefined);
  }
  /** The negation -this. */
  negate(): Expression {
    return makeAffine(negateOp, [this], undefined);
  }
  /** Matrix product; vectors act as rows on the left and columns on the right. */
  matmul(other: ExprLike): Expression {
    return makeAffine(matmulOp, [this, toExpression(other)], undefined);
  }
  /** Entry i of a vector, row i of a matrix, or entry (i, j) of a matrix. */
  index(i: number, j?: number): Expression {
    const data: IndexData = j === undefined ? { kind: 'index', i } : { kind: 'index', i, j };
    return makeAffine(indexOp, [this], data);
  }
  /** x[start:stop] of a vector, or x[r0:r1, c0:c1] of a matrix (stop exclusive). */
  slice(start: number | readonly [number, number], stop: number | readonly [number, number]): Expression {
    if (typeof start === 'number' && typeof stop === 'number') return makeAffine(indexOp, [this], { kind: 'slice', start, stop });
    if (Array.isArray(start) && Array.isArray(stop)) {
      return makeAffine(indexOp, [this], { kind: 'slice2', rows: start as [number, number], cols: stop as [number, number] });
    }
    throw new ShapeError(`slice of ${this}: give (start, stop) for a vector or ([r0, r1], [c0, c1]) for a matrix`);
  }
  /**
   * Sum of all entries, or along `axis` (0 sums down the rows, 1 across the
   * columns). `keepdims` keeps the summed axis with length 1, as CVXPY's
   * `sum(x, axis, keepdims=True)`: (1, n) for axis 0 and (m, 1) for axis 1 of
   * an (m, n) matrix, all ones for the sum of every entry.
   */
  sum(axis?: number, keepdims = false): Expression {
    const s = makeAffine(sumOp, [this], axis === undefined ? { axis: null } : { axis });
    if (!keepdims || this.shape.length === 0) return s;
    if (axis === undefined) return s.reshape(this.shape.map(() => 1));
    const kept = this.shape.map((d, k) => (k === axis ? 1 : d));
    return s.reshape(kept);
  }
  /** Row-major reshape to a shape with the same number of entries. */
  reshape(shape: number | readonly number[]): Expression {
    return makeAffine(reshapeOp, [this], normalizeShape(shape, `reshape of ${this}`));
  }
  /** Row-major flattening to a vector. */
  vec(): Expression {
    return makeAffine(reshapeOp, [this], [this.size]);
  }
  /**
   * The transpose, as a property like CVXPY's `X.T` (vectors and scalars are
   * returned unchanged). It replaced the method `T()` of 0.1.0: a property and
   * a method cannot share the name.
   */
  get T(): Expression {
    if (this.shape.length < 2) return this;
    return makeAffine(transposeOp, [this], undefined);
  }
  /**
   * Column j of a matrix as a vector of shape (m,) (CVXPY's `X[:, j]`), so it
   * compares with (m,) vectors: `X.col(0).le(v)`. ShapeError unless this is a
   * matrix and 0 <= j < n.
   */
  col(j: number): Expression {
    if (this.shape.length !== 2) throw new ShapeError(`col(${j}) of ${this}: needs a matrix, got shape ${formatShape(this.shape)}`);
    const [m, n] = this.shape as [number, number];
    if (!Number.isInteger(j) || j < 0 || j >= n) throw new ShapeError(`col(${j}) of ${this}: column index out of range [0, ${n})`);
    return this.slice([0, m], [j, j + 1]).reshape([m]);
  }
  /**
   * Row i of a matrix as a vector of shape (n,) (CVXPY's `X[i, :]`).
   * ShapeError unless this is a matrix and 0 <= i < m (for a vector entry
   * use `index(i)`).
   */
  row(i: number): Expression {
    if (this.shape.length !== 2) throw new ShapeError(`row(${i}) of ${this}: needs a matrix, got shape ${formatShape(this.shape)} (use index(i) for an entry of a vector)`);
    return this.index(i);
  }
  /** The constraint this <= other (elementwise; scalars broadcast). Its dual is >= 0. */
  le(other: ExprLike): Constraint {
    return new Inequality(this, toExpression(other));
  }
  /** The constraint this >= other (elementwise; scalars broadcast). Its dual is >= 0. */
  ge(other: ExprLike): Constraint {
    return new Inequality(toExpression(other), this);
  }
  /** The constraint this == other (elementwise; scalars broadcast). Its dual is free. */
  eq(other: ExprLike): Constraint {
    return new Equality(this, toExpression(other));
  }
}

/** A constant: a fixed numeric value. */
export class Constant extends Expression {
  readonly kind = 'constant';
  readonly args: readonly Expression[] = [];
  private readonly signValue: Sign;

  constructor(readonly constValue: Value) {
    super(constValue.shape);
    this.signValue = signOfValues(constValue.data);
  }
  evaluate(): Float64Array {
    return this.constValue.data;
  }
  format(): string {
    if (this.size === 1) return String(this.constValue.data[0]);
    return this.size <= 4 ? this.constValue.toString() : `const${formatShape(this.shape)}`;
  }
  sign(): Sign {
    return this.signValue;
  }
}

/** An affine operator node; its behaviour is the `op` object (see AffineOp). */
export class AffineExpr<D = unknown> extends Expression {
  readonly kind = 'affine';

  constructor(
    readonly op: AffineOp<D>,
    readonly args: readonly Expression[],
    readonly data: D,
    shape: Shape,
  ) {
    super(shape);
  }
  evaluate(args: readonly Float64Array[]): Float64Array {
    return this.op.evaluate(args, this.args.map((a) => a.shape), this.data, this.shape);
  }
  /** The node as an affine map of the variables, given its arguments' affine maps (used by canonicalization). */
  linearize(args: readonly AffineTensor[]): AffineTensor {
    return this.op.linearize(args, this.args.map((a) => a.shape), this.data, this.shape);
  }
  format(args: readonly string[]): string {
    return this.op.format(args, this.data);
  }
  override monotonicity(i: number, argSigns: readonly Sign[]): Monotonicity {
    return this.op.monotonicity(i, argSigns, this.data);
  }
  sign(argSigns: readonly Sign[]): Sign {
    return this.op.sign(argSigns, this.data);
  }
  override productKind(): 'multiply' | 'divide' | undefined {
    return this.op.product;
  }
}

/** Builds an affine node, computing (and validating) its shape. */
export function makeAffine<D>(op: AffineOp<D>, args: readonly Expression[], data: D): Expression {
  const shapes = args.map((a) => a.shape);
  let shape: Shape;
  try {
    // Texts of the operands are only built when an error needs them (building them eagerly is quadratic in depth).
    shape = op.shape(shapes, data, args.map(() => 'operand'));
  } catch (err) {
    if (!(err instanceof ShapeError)) throw err;
    shape = op.shape(shapes, data, args.map((a) => a.toString()));
  }
  return new AffineExpr(op, args, data, shape);
}

/** Wraps numbers and arrays as constants; returns expressions unchanged. */
export function toExpression(x: ExprLike, what = 'operand'): Expression {
  if (x instanceof Expression) return x;
  return new Constant(toValue(x, `constant ${what}`));
}

/**
 * Numeric value of `e` from the current leaf values (memoized over the DAG);
 * undefined when a variable or parameter has no value.
 */
export function evaluateExpression(e: Expression, memo = new Map<Expression, Float64Array | undefined>()): Float64Array | undefined {
  if (memo.has(e)) return memo.get(e);
  const args: Float64Array[] = [];
  let ok = true;
  for (const a of e.args) {
    const v = evaluateExpression(a, memo);
    if (v === undefined) {
      ok = false;
      break;
    }
    args.push(v);
  }
  const out = ok ? e.evaluate(args) : undefined;
  memo.set(e, out);
  return out;
}
