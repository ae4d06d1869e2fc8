import { ShapeError } from '../../solvers/errors.js';

/** The six QP arguments in the order `qp(Q, p, G, h, A, b)` takes them. */
export const QP_ARGUMENT_NAMES = ['Q', 'p', 'G', 'h', 'A', 'b'] as const;
/** The name of a `qp()` argument: 'Q', 'p', 'G', 'h', 'A' or 'b' (used in error messages). */
export type QpArgumentName = (typeof QP_ARGUMENT_NAMES)[number];

/** Shape of one argument as handed to `resolveQpShapes` (`undefined` = omitted). */
export type QpShapes = Readonly<Record<QpArgumentName, readonly number[] | undefined>>;

/** Sizes of a batched QP and which arguments carry a batch dimension. */
export interface QpLayout {
  /** Batch size; 1 when no argument is batched. */
  readonly batch: number;
  /** True when at least one argument has a leading batch dimension (the output then has one too). */
  readonly batched: boolean;
  readonly n: number;
  readonly nIneq: number;
  readonly nEq: number;
  /** Per argument: present with a batch dimension. Omitted/empty arguments are unbatched. */
  readonly isBatched: Readonly<Record<QpArgumentName, boolean>>;
}

/** Unbatched rank of each argument: matrices 2, vectors 1. */
const BASE_RANK: Readonly<Record<QpArgumentName, number>> = { Q: 2, p: 1, G: 2, h: 1, A: 2, b: 1 };

function fmt(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * Checks the shapes of the QP `minimize 1/2 z'Qz + p'z s.t. Gz <= h, Az = b`
 * and infers sizes and batching. Each argument is either unbatched
 * (Q: [n, n], p: [n], G: [m, n], h: [m], A: [k, n], b: [k]) or has one leading
 * batch dimension; every batched argument must have the same batch size.
 * G/h (and A/b) are omitted together, or given with zero rows. Throws a
 * `ShapeError` naming the offending argument.
 */
export function resolveQpShapes(shapes: QpShapes): QpLayout {
  const q = shapes.Q;
  const p = shapes.p;
  if (q === undefined) throw new ShapeError('qp: argument Q is required');
  if (p === undefined) throw new ShapeError('qp: argument p is required');
  for (const name of QP_ARGUMENT_NAMES) {
    const s = shapes[name];
    if (s === undefined) continue;
    const base = BASE_RANK[name];
    if (s.length !== base && s.length !== base + 1) {
      throw new ShapeError(`qp: argument ${name} must have rank ${base} (unbatched) or ${base + 1} (batched), got shape ${fmt(s)}`);
    }
  }
  const n = q[q.length - 1]!;
  if (q[q.length - 2] !== n) throw new ShapeError(`qp: argument Q must be square in its last two dimensions, got shape ${fmt(q)}`);
  if (n === 0) throw new ShapeError('qp: argument Q has zero variables');
  if (p[p.length - 1] !== n) throw new ShapeError(`qp: argument p must have ${n} entries (the size of Q) in its last dimension, got shape ${fmt(p)}`);

  const pair = (mat: 'G' | 'A', vec: 'h' | 'b'): number => {
    const M = shapes[mat];
    const v = shapes[vec];
    const rows = M === undefined ? 0 : M[M.length - 2]!;
    const len = v === undefined ? 0 : v[v.length - 1]!;
    if (M !== undefined && rows > 0 && M[M.length - 1] !== n) {
      throw new ShapeError(`qp: argument ${mat} must have ${n} columns (the size of Q), got shape ${fmt(M)}`);
    }
    if (rows !== len) {
      throw new ShapeError(
        `qp: argument ${vec} must have one entry per row of ${mat} (${rows}), got ${v === undefined ? 'nothing' : `shape ${fmt(v)}`}`,
      );
    }
    return rows;
  };
  const nIneq = pair('G', 'h');
  const nEq = pair('A', 'b');

  let batch = -1;
  let batchedFrom: QpArgumentName | undefined;
  const isBatched = {} as Record<QpArgumentName, boolean>;
  for (const name of QP_ARGUMENT_NAMES) {
    const s = shapes[name];
    const empty = (name === 'G' || name === 'h') ? nIneq === 0 : (name === 'A' || name === 'b') ? nEq === 0 : false;
    const b = s !== undefined && !empty && s.length === BASE_RANK[name] + 1;
    isBatched[name] = b;
    if (!b) continue;
    const size = s[0]!;
    if (batch < 0) {
      batch = size;
      batchedFrom = name;
    } else if (size !== batch) {
      throw new ShapeError(`qp: argument ${name} has batch size ${size} but ${batchedFrom} has batch size ${batch}`);
    }
  }
  if (batch === 0) throw new ShapeError(`qp: argument ${batchedFrom} has batch size 0`);
  return { batch: batch < 0 ? 1 : batch, batched: batch >= 0, n, nIneq, nEq, isBatched };
}
