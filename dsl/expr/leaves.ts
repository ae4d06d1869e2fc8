import { ShapeError, ValueError } from '../../solvers/errors.js';
import { type Shape, formatShape, normalizeShape, shapeSize } from '../shape.js';
import { type NumericInput, Value, toValue } from '../value.js';
import { Constant, Expression } from './expression.js';
import { NONNEG, NONPOS, type Sign, UNKNOWN_SIGN, ZERO } from './sign.js';

let nextVariableId = 0;
let nextParameterId = 0;

/** Options of `variable(shape, options)`. */
export interface VariableOptions {
  /** Display name (default `x<id>`). */
  name?: string;
  /** Constrain every entry to be >= 0 (added as a constraint at compile time). */
  nonneg?: boolean;
  /** Constrain every entry to be <= 0. */
  nonpos?: boolean;
}

/** Options of `parameter(shape, options)`. */
export interface ParameterOptions {
  /** Display name (default `p<id>`). */
  name?: string;
  /** Declares every entry >= 0 (checked on assignment; DCP uses it as the sign). */
  nonneg?: boolean;
  /** Declares every entry <= 0. */
  nonpos?: boolean;
  /** Initial value. */
  value?: NumericInput;
}

function attributeSign(nonneg: boolean, nonpos: boolean): Sign {
  if (nonneg && nonpos) return ZERO;
  if (nonneg) return NONNEG;
  if (nonpos) return NONPOS;
  return UNKNOWN_SIGN;
}

/** An optimization variable. After a solve, `value` holds its optimal value; it may also be assigned for evaluation. */
export class Variable extends Expression {
  readonly kind = 'variable';
  readonly args: readonly Expression[] = [];
  readonly id = nextVariableId++;
  readonly name: string;
  readonly nonneg: boolean;
  readonly nonpos: boolean;
  private current: Value | undefined = undefined;

  constructor(shape: Shape, options: VariableOptions = {}) {
    super(shape);
    this.name = options.name ?? `x${this.id}`;
    this.nonneg = options.nonneg ?? false;
    this.nonpos = options.nonpos ?? false;
  }

  override get value(): Value | undefined {
    return this.current;
  }
  override set value(v: NumericInput | Value | undefined) {
    this.current = v === undefined ? undefined : toValue(v, `variable ${this.name}`, this.shape);
  }
  evaluate(): Float64Array | undefined {
    return this.current?.data;
  }
  format(): string {
    return this.name;
  }
  sign(): Sign {
    return attributeSign(this.nonneg, this.nonpos);
  }
}

/**
 * A parameter: a constant whose value may change between solves without
 * recompiling (DPP). Values are validated for shape, finiteness and the
 * declared sign.
 */
export class Parameter extends Expression {
  readonly kind = 'parameter';
  readonly args: readonly Expression[] = [];
  readonly id = nextParameterId++;
  readonly name: string;
  readonly nonneg: boolean;
  readonly nonpos: boolean;
  private current: Value | undefined = undefined;

  constructor(shape: Shape, options: ParameterOptions = {}) {
    super(shape);
    this.name = options.name ?? `p${this.id}`;
    this.nonneg = options.nonneg ?? false;
    this.nonpos = options.nonpos ?? false;
    if (options.value !== undefined) this.value = options.value;
  }

  override get value(): Value | undefined {
    return this.current;
  }
  /** Assigns a value: ShapeError for a wrong shape, ValueError for NaN/Inf or a sign violation, naming the parameter. */
  override set value(v: NumericInput | Value | undefined) {
    if (v === undefined) {
      this.current = undefined;
      return;
    }
    const val = toValue(v, `parameter ${this.name}`, this.shape);
    for (let i = 0; i < val.data.length; i++) {
      const x = val.data[i]!;
      if ((this.nonneg && x < 0) || (this.nonpos && x > 0)) {
        throw new ValueError(`parameter ${this.name} is declared ${this.nonneg ? 'nonneg' : 'nonpos'} but entry ${i} is ${x}`);
      }
    }
    this.current = val;
  }
  evaluate(): Float64Array | undefined {
    return this.current?.data;
  }
  format(): string {
    return this.name;
  }
  sign(): Sign {
    return attributeSign(this.nonneg, this.nonpos);
  }
}

/**
 * A new variable: `variable()` scalar, `variable(3)` vector, `variable([2, 3])`
 * matrix; the second argument is a name or `{name, nonneg, nonpos}`.
 */
export function variable(shape?: number | readonly number[], options?: string | VariableOptions): Variable {
  const opts = typeof options === 'string' ? { name: options } : (options ?? {});
  return new Variable(normalizeShape(shape, `variable ${opts.name ?? ''}`.trim()), opts);
}

/** A new parameter of the given shape (see ParameterOptions). */
export function parameter(shape?: number | readonly number[], options?: string | ParameterOptions): Parameter {
  const opts = typeof options === 'string' ? { name: options } : (options ?? {});
  return new Parameter(normalizeShape(shape, `parameter ${opts.name ?? ''}`.trim()), opts);
}

/**
 * A constant expression. `constant(value)` takes a number, nested arrays or a
 * Float64Array (a vector); `constant(flatData, shape)` takes row-major flat
 * data (a number[] or Float64Array) and the shape it fills, like
 * `np.reshape(data, shape)`:
 *
 * ```ts
 * constant([1, 2, 3, 4, 5, 6], [2, 3]).value!.toArray(); // [[1, 2, 3], [4, 5, 6]]
 * ```
 *
 * ShapeError when the data has not exactly prod(shape) entries (or, with a
 * shape, is nested); ValueError for NaN/Inf entries.
 */
export function constant(value: NumericInput | Value, shape?: number | readonly number[]): Constant {
  if (shape === undefined) return new Constant(toValue(value, 'constant'));
  const target = normalizeShape(shape, 'constant');
  const what = `constant(data, ${formatShape(target)})`;
  if (value instanceof Value || typeof value === 'number' || !(value instanceof Float64Array || value.every((v) => typeof v === 'number'))) {
    throw new ShapeError(`${what}: with a shape, the data must be a flat number[] or Float64Array (row-major)`);
  }
  if (value.length !== shapeSize(target)) {
    throw new ShapeError(`${what}: shape ${formatShape(target)} needs ${shapeSize(target)} entries, the flat data has ${value.length}`);
  }
  return new Constant(toValue(Float64Array.from(value as ArrayLike<number>), what, target));
}
