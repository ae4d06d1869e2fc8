import { ShapeError } from '../../solvers/errors.js';
import { type Shape, formatShape } from '../shape.js';

/**
 * The 1-D lines of a shape along `axis` (row-major storage): each line has
 * `len` entries at flat indices start + i * stride. Axis 0 of a matrix runs
 * down a column, axis 1 along a row; a scalar or vector has one line (axis 0).
 */
export interface AxisLines {
  readonly len: number;
  readonly stride: number;
  readonly starts: readonly number[];
}

/** The lines of `shape` along `axis`; ShapeError naming `what` when the axis does not exist. */
export function axisLines(shape: Shape, axis: number, what: string): AxisLines {
  if (!Number.isInteger(axis) || axis < 0 || axis >= Math.max(1, shape.length)) {
    throw new ShapeError(`${what}: axis ${axis} does not exist for shape ${formatShape(shape)}`);
  }
  if (shape.length < 2) return { len: shape.length === 0 ? 1 : shape[0]!, stride: 1, starts: [0] };
  const [m, n] = shape as [number, number];
  if (axis === 0) return { len: m, stride: n, starts: Array.from({ length: n }, (_, j) => j) };
  return { len: n, stride: 1, starts: Array.from({ length: m }, (_, i) => i * n) };
}
