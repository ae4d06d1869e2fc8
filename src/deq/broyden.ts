import * as tf from '@tensorflow/tfjs';
import type { ResolvedFixedPointOptions } from './deq_options.js';
import { FixedPointMonitor, type FixedPointMap, type FixedPointResult } from './fixed_point_monitor.js';

/** Per-row dot product of two [batch, d] tensors, as [batch, 1]. */
function rowDot(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.sum(tf.mul(a, b), 1, true);
}

/**
 * Broyden's ("good") method on the residual r(z) = g(z) - z, the DEQ forward
 * solver of Bai, Kolter & Koltun (2019). The inverse Jacobian of r is kept per
 * sample as a low-rank correction of -I:
 *   H = -I + sum_i u_i v_i',
 * the step is dz = -H r(z), and after each step s = dz, y = r(z + s) - r(z),
 * the Sherman-Morrison form of Broyden's update appends
 *   u = (s - H y) / (s' H y),   v = H' s,
 * keeping the last m pairs (m = `options.memory`). A sample whose denominator
 * s' H y is tiny skips the update (u = 0) rather than dividing by it.
 * Holds at most 2m + 3 tensors; returns the lowest-residual iterate.
 */
export function broyden(g: FixedPointMap, z0: tf.Tensor2D, options: ResolvedFixedPointOptions): FixedPointResult {
  const monitor = new FixedPointMonitor('broyden', options, z0.shape[0]);
  const us: tf.Tensor2D[] = [];
  const vs: tf.Tensor2D[] = [];
  const applyH = (x: tf.Tensor): tf.Tensor => {
    let out = tf.neg(x);
    for (let i = 0; i < us.length; i++) out = tf.add(out, tf.mul(us[i]!, rowDot(vs[i]!, x)));
    return out;
  };
  const applyHt = (x: tf.Tensor): tf.Tensor => {
    let out = tf.neg(x);
    for (let i = 0; i < us.length; i++) out = tf.add(out, tf.mul(vs[i]!, rowDot(us[i]!, x)));
    return out;
  };
  let z = tf.clone(z0);
  let r = tf.tidy(() => {
    const gz = g(z);
    monitor.record(z, gz);
    return tf.sub(gz, z) as tf.Tensor2D;
  });
  try {
    for (let k = 1; k < options.maxIters && !monitor.allConverged; k++) {
      const dz = tf.tidy(() => tf.neg(applyH(r)) as tf.Tensor2D);
      const zNew = tf.tidy(() => tf.add(z, dz) as tf.Tensor2D);
      let stop = false;
      const rNew = tf.tidy(() => {
        const gz = g(zNew);
        stop = monitor.record(zNew, gz);
        return tf.sub(gz, zNew) as tf.Tensor2D;
      });
      if (!stop) {
        const [u, v] = tf.tidy(() => {
          const y = tf.sub(rNew, r);
          const hy = applyH(y);
          const den = rowDot(dz, hy);
          const scale = tf.mul(tf.norm(dz, 'euclidean', 1, true), tf.norm(hy, 'euclidean', 1, true));
          const safe = tf.greater(tf.abs(den), tf.mul(scale, 1e-10));
          const u = tf.where(tf.tile(safe, [1, dz.shape[1]]), tf.div(tf.sub(dz, hy), tf.where(safe, den, tf.onesLike(den))), tf.zerosLike(dz));
          return [u as tf.Tensor2D, applyHt(dz) as tf.Tensor2D];
        });
        us.push(u);
        vs.push(v);
        if (us.length > options.memory) {
          us.shift()!.dispose();
          vs.shift()!.dispose();
        }
      }
      dz.dispose();
      z.dispose();
      r.dispose();
      z = zNew;
      r = rNew;
      if (stop) break;
    }
  } finally {
    for (const t of [...us, ...vs, z, r]) t.dispose();
  }
  return monitor.finish();
}
