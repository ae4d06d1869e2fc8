import * as tf from '@tensorflow/tfjs';
import { ShapeError, ValueError } from '../../../solvers/errors.js';
import { checkFloatTensor, rejectUnknownKeys } from '../../options_check.js';

/**
 * The feasible set of the optimized input x (per row of the batch):
 *  - `none`: unconstrained;
 *  - `box`: lo <= x <= hi elementwise (numbers, or tensors broadcastable to x,
 *    e.g. pixel ranges);
 *  - `l2_ball`: ||x - center||_2 <= radius per row (denoising / L2 attacks);
 *  - `linf_ball`: |x - center|_inf <= radius per row (L-infinity attacks).
 * `center` is [batch, dim] or [dim].
 */
export type InputProjection =
  | { readonly kind: 'none' }
  | { readonly kind: 'box'; readonly lo: number | tf.Tensor; readonly hi: number | tf.Tensor }
  | { readonly kind: 'l2_ball'; readonly center: tf.Tensor; readonly radius: number }
  | { readonly kind: 'linf_ball'; readonly center: tf.Tensor; readonly radius: number };

/** A validated projection: the Euclidean projection onto the set, built from differentiable tfjs ops. */
export interface ResolvedProjection {
  readonly spec: InputProjection;
  /** Proj(x) for x [batch, dim]; differentiable almost everywhere (the joint backward pass differentiates it). */
  project(x: tf.Tensor2D): tf.Tensor2D;
  /** Per row: the largest violation of the set's constraints (0 when feasible). */
  violation(x: tf.Tensor2D): Float32Array;
}

const KEYS: Record<InputProjection['kind'], readonly string[]> = {
  none: ['kind'],
  box: ['kind', 'lo', 'hi'],
  l2_ball: ['kind', 'center', 'radius'],
  linf_ball: ['kind', 'center', 'radius'],
};

function checkBroadcast(t: tf.Tensor, width: number, batch: number, what: string): void {
  const ok = (t.rank === 1 && t.shape[0] === width) || (t.rank === 2 && (t.shape[0] === batch || t.shape[0] === 1) && t.shape[1] === width) || t.rank === 0;
  if (!ok) throw new ShapeError(`${what} must be a scalar, [${width}] or [${batch}, ${width}], got [${t.shape.join(', ')}]`);
  const data = t.dataSync();
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i]!)) throw new ValueError(`${what} has a non-finite entry ${data[i]} at flat index ${i}`);
}

function checkRadius(r: unknown, what: string): number {
  if (typeof r !== 'number' || !Number.isFinite(r) || r < 0) throw new ValueError(`${what} must be a finite number >= 0, got ${String(r)}`);
  return r;
}

function bound(v: number | tf.Tensor, width: number, batch: number, what: string): number | tf.Tensor {
  if (typeof v === 'number') {
    if (Number.isNaN(v)) throw new ValueError(`${what} is NaN`);
    return v;
  }
  checkFloatTensor(v, what);
  checkBroadcast(v, width, batch, what);
  return v;
}

/**
 * Validates `spec` against inputs of shape [batch, width] and returns its
 * projection. Throws `ValueError` (unknown kind or key, NaN, negative radius,
 * lo > hi) or `ShapeError` (a bound or center that does not fit x).
 */
export function resolveProjection(spec: InputProjection | undefined, batch: number, width: number, what = 'projection'): ResolvedProjection {
  const s: InputProjection = spec ?? { kind: 'none' };
  if (s === null || typeof s !== 'object' || !(s.kind in KEYS)) {
    throw new ValueError(`${what}.kind must be one of ${Object.keys(KEYS).join(', ')}, got ${String((s as { kind?: unknown } | null)?.kind)}`);
  }
  rejectUnknownKeys(s, KEYS[s.kind], `${what} (${s.kind})`);
  switch (s.kind) {
    case 'none':
      return { spec: s, project: (x) => x, violation: (x) => new Float32Array(x.shape[0]) };
    case 'box': {
      const lo = bound(s.lo, width, batch, `${what}.lo`);
      const hi = bound(s.hi, width, batch, `${what}.hi`);
      const gap = tf.tidy(() => tf.min(tf.sub(tf.broadcastTo(hi, [batch, width]), tf.broadcastTo(lo, [batch, width]))).dataSync()[0]!);
      if (!(gap >= 0)) throw new ValueError(`${what}: lo must be <= hi everywhere (min of hi - lo is ${gap})`);
      return {
        spec: s,
        project: (x) => tf.minimum(tf.maximum(x, lo), hi) as tf.Tensor2D,
        violation: (x) => rowMax(tf.tidy(() => tf.relu(tf.maximum(tf.sub(lo, x), tf.sub(x, hi))))),
      };
    }
    case 'l2_ball': {
      checkFloatTensor(s.center, `${what}.center`);
      checkBroadcast(s.center, width, batch, `${what}.center`);
      const r = checkRadius(s.radius, `${what}.radius`);
      const c = s.center;
      return {
        spec: s,
        // c + (x - c) min(1, r / ||x - c||): the norm is floored so that x = c has a finite derivative.
        project: (x) =>
          tf.tidy(() => {
            const d = tf.sub(x, c);
            const n = tf.sqrt(tf.add(tf.sum(tf.square(d), 1, true), 1e-20));
            return tf.add(c, tf.mul(d, tf.minimum(1, tf.div(r, n)))) as tf.Tensor2D;
          }),
        violation: (x) => rowMax(tf.tidy(() => tf.relu(tf.sub(tf.norm(tf.sub(x, c), 'euclidean', 1, true), r)))),
      };
    }
    case 'linf_ball': {
      checkFloatTensor(s.center, `${what}.center`);
      checkBroadcast(s.center, width, batch, `${what}.center`);
      const r = checkRadius(s.radius, `${what}.radius`);
      const c = s.center;
      return {
        spec: s,
        project: (x) => tf.tidy(() => tf.add(c, tf.clipByValue(tf.sub(x, c), -r, r)) as tf.Tensor2D),
        violation: (x) => rowMax(tf.tidy(() => tf.relu(tf.sub(tf.abs(tf.sub(x, c)), r)))),
      };
    }
  }
}

function rowMax(t: tf.Tensor): Float32Array {
  const m = tf.tidy(() => tf.max(t.rank === 2 ? t : t.reshape([t.shape[0]!, -1]), 1));
  const out = m.dataSync() as Float32Array;
  m.dispose();
  t.dispose();
  return out;
}
