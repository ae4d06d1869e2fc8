import { ShapeError } from '../solvers/errors.js';

/**
 * A DSL shape: `[]` (scalar), `[n]` (vector) or `[m, n]` (matrix).
 * Entries are stored row-major (like tfjs): entry (i, j) of an m x n matrix
 * sits at flat index i * n + j.
 */
export type Shape = readonly number[];

/** Number of entries of a shape (1 for a scalar). */
export function shapeSize(shape: Shape): number {
  let s = 1;
  for (const d of shape) s *= d;
  return s;
}

/** `[2, 3]` -> "(2, 3)", `[]` -> "scalar". */
export function formatShape(shape: Shape): string {
  return shape.length === 0 ? 'scalar' : `(${shape.join(', ')})`;
}

/** Equality of two shapes. */
export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * Turns the user's `number | number[] | undefined` into a validated shape of
 * rank at most 2 with positive integer dimensions; `what` names the culprit.
 */
export function normalizeShape(shape: number | readonly number[] | undefined, what: string): Shape {
  const s = shape === undefined ? [] : typeof shape === 'number' ? [shape] : [...shape];
  if (s.length > 2) throw new ShapeError(`${what}: shapes have at most 2 dimensions, got ${formatShape(s)}`);
  for (const d of s) {
    if (!Number.isInteger(d) || d < 1) throw new ShapeError(`${what}: dimensions must be positive integers, got ${formatShape(s)}`);
  }
  return s;
}

/**
 * The shape of an elementwise combination of operands: all equal, except
 * that scalars (and any size-1 operand) broadcast against everything.
 * Throws `ShapeError` naming the operands otherwise.
 */
export function broadcastShapes(shapes: readonly Shape[], names: readonly string[] | (() => readonly string[]), op: string): Shape {
  const nameOf = (k: number): string => (typeof names === 'function' ? names() : names)[k]!;
  let out: Shape = [];
  let outName = '0';
  for (let k = 0; k < shapes.length; k++) {
    const s = shapes[k]!;
    if (shapeSize(s) === 1 && s.length <= out.length) continue;
    if (shapeSize(out) === 1 && out.length <= s.length) {
      out = s;
      outName = String(k);
      continue;
    }
    if (!sameShape(out, s)) {
      throw new ShapeError(
        `${op}: operands ${nameOf(Number(outName))} of shape ${formatShape(out)} and ${nameOf(k)} of shape ${formatShape(s)} do not match (only scalars broadcast)`,
      );
    }
  }
  return out;
}

/** A shape viewed as a matrix (rows, cols) for matmul: vectors are rows or columns as `asRow` says. */
export function asMatrix(shape: Shape, asRow: boolean): [number, number] {
  if (shape.length === 2) return [shape[0]!, shape[1]!];
  if (shape.length === 1) return asRow ? [1, shape[0]!] : [shape[0]!, 1];
  return [1, 1];
}
