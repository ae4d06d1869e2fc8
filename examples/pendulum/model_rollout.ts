import * as tf from '@tensorflow/tfjs';

/** Any batched vector field xdot = f(x) on float32 tensors [batch, d]. */
export type VectorField = (x: tf.Tensor2D) => tf.Tensor2D;

/**
 * Batched classical RK4 rollouts of a learned vector field in float32:
 * returns the states as one Float32Array [steps + 1][batch][d] (row-major).
 * Each step is one `tidy` (four field evaluations, no host reads); states are
 * read back in chunks of `chunk` steps, so the host waits for the backend
 * once per chunk rather than once per step.
 */
export function rolloutModel(field: VectorField, x0: Float32Array, batch: number, d: number, steps: number, h: number, onStep?: (s: number) => void, chunk = 25): Float32Array {
  const out = new Float32Array((steps + 1) * batch * d);
  out.set(x0, 0);
  let x = tf.tensor2d(x0, [batch, d]);
  // States of the current chunk, not yet read back; x is always the last one,
  // or (right after a read) the only state still alive.
  let pending: tf.Tensor2D[] = [];
  let pendingStart = 1;
  for (let s = 1; s <= steps; s++) {
    const standalone = pending.length === 0;
    const next = tf.tidy(() => {
      const k1 = field(x);
      const k2 = field(tf.add(x, tf.mul(k1, h / 2)) as tf.Tensor2D);
      const k3 = field(tf.add(x, tf.mul(k2, h / 2)) as tf.Tensor2D);
      const k4 = field(tf.add(x, tf.mul(k3, h)) as tf.Tensor2D);
      return tf.add(x, tf.mul(tf.addN([k1, tf.mul(k2, 2), tf.mul(k3, 2), k4]), h / 6)) as tf.Tensor2D;
    });
    if (standalone) x.dispose();
    x = next;
    pending.push(next);
    if (pending.length === chunk || s === steps) {
      const stacked = tf.concat(pending, 0);
      out.set(stacked.dataSync(), pendingStart * batch * d);
      stacked.dispose();
      for (const t of pending) if (t !== x) t.dispose();
      pendingStart += pending.length;
      pending = [];
      onStep?.(s);
    }
  }
  x.dispose();
  return out;
}
