import { ShapeError, ValueError } from '../solvers/errors.js';
import { type Shape, formatShape, sameShape, shapeSize } from './shape.js';

/** What the user may write where a numeric value is expected. */
export type NumericInput = number | readonly number[] | readonly (readonly number[])[] | Float64Array;

/**
 * A numeric value with a shape, backed by a row-major Float64Array.
 * Scalars have shape `[]` and one entry.
 */
export class Value {
  constructor(
    readonly shape: Shape,
    readonly data: Float64Array,
  ) {
    if (data.length !== shapeSize(shape)) {
      throw new ShapeError(`value of shape ${formatShape(shape)} needs ${shapeSize(shape)} entries, got ${data.length}`);
    }
  }

  /** Entry `i` of a vector, `(i, j)` of a matrix, or the scalar when called without arguments. */
  at(i = 0, j?: number): number {
    if (j === undefined) {
      if (i < 0 || i >= this.data.length) throw new ShapeError(`index ${i} out of range for shape ${formatShape(this.shape)}`);
      return this.data[i]!;
    }
    if (this.shape.length !== 2) throw new ShapeError(`two indices given for shape ${formatShape(this.shape)}`);
    const [m, n] = this.shape as [number, number];
    if (i < 0 || i >= m || j < 0 || j >= n) throw new ShapeError(`index (${i}, ${j}) out of range for shape ${formatShape(this.shape)}`);
    return this.data[i * n + j]!;
  }

  /**
   * A plain number (shape []), number[] (shape [n]) or number[][] (shape
   * [m, n], one array per row), following the shape; a copy, safe to keep.
   * This is how to read a solution:
   *
   * ```ts
   * const x = variable(2);
   * new Problem(minimize(sumSquares(x.sub([1, 2])))).solve();
   * x.value!.toArray(); // [1, 2] (to the solver's tolerance)
   * x.value!.at(1);     // 2, one entry; x.value!.data is the row-major Float64Array
   * ```
   */
  toArray(): number | number[] | number[][] {
    if (this.shape.length === 0) return this.data[0]!;
    if (this.shape.length === 1) return Array.from(this.data);
    const [m, n] = this.shape as [number, number];
    const out: number[][] = [];
    for (let i = 0; i < m; i++) out.push(Array.from(this.data.subarray(i * n, (i + 1) * n)));
    return out;
  }

  /** The value as text (nested arrays for matrices). */
  toString(): string {
    return JSON.stringify(this.toArray());
  }
}

/** The shape a nested-array input has (rank <= 2); throws on ragged input. */
export function inferShape(input: NumericInput, what: string): Shape {
  if (typeof input === 'number') return [];
  if (input instanceof Float64Array) return [input.length];
  if (input.length === 0) throw new ShapeError(`${what}: empty arrays are not allowed`);
  const first = input[0];
  if (typeof first === 'number') {
    if (!input.every((v) => typeof v === 'number')) throw new ShapeError(`${what}: mixed numbers and arrays`);
    return [input.length];
  }
  const rows = input as readonly (readonly number[])[];
  const n = rows[0]!.length;
  for (const r of rows) {
    if (!Array.isArray(r) || r.length !== n || r.some((v) => typeof v !== 'number')) {
      throw new ShapeError(`${what}: ragged or nested deeper than 2 levels; expected ${rows.length} rows of ${n} numbers`);
    }
  }
  if (n === 0) throw new ShapeError(`${what}: empty rows are not allowed`);
  return [rows.length, n];
}

/**
 * Converts user input to a Value. With `shape` given, the input must match it
 * (a Float64Array or flat array of the right size is accepted for any shape);
 * every entry must be finite. Errors name `what`.
 */
export function toValue(input: NumericInput | Value, what: string, shape?: Shape): Value {
  if (input instanceof Value) {
    if (shape && !sameShape(input.shape, shape)) {
      if (input.data.length === shapeSize(shape)) return checked(new Value(shape, input.data.slice()), what);
      throw new ShapeError(`${what} expects shape ${formatShape(shape)}, got ${formatShape(input.shape)}`);
    }
    return checked(new Value(input.shape, input.data.slice()), what);
  }
  const given = inferShape(input, what);
  let data: Float64Array;
  if (typeof input === 'number') data = Float64Array.of(input);
  else if (input instanceof Float64Array) data = input.slice();
  else if (given.length === 1) data = Float64Array.from(input as readonly number[]);
  else data = Float64Array.from((input as readonly (readonly number[])[]).flat());
  let out = given;
  if (shape) {
    const flatOk = given.length <= 1 && data.length === shapeSize(shape);
    if (!sameShape(given, shape) && !flatOk) {
      throw new ShapeError(`${what} expects shape ${formatShape(shape)}, got ${formatShape(given)}`);
    }
    out = shape;
  }
  return checked(new Value(out, data), what);
}

function checked(v: Value, what: string): Value {
  for (let i = 0; i < v.data.length; i++) {
    if (!Number.isFinite(v.data[i]!)) throw new ValueError(`${what} has a non-finite entry ${v.data[i]} at flat index ${i}`);
  }
  return v;
}
