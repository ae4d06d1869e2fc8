import * as tf from '@tensorflow/tfjs';
import { STATUS_MESSAGES } from '../../../solvers/status.js';
import { andersonWeights } from '../anderson.js';
import { splitState, type AugmentedMap, type JointLayout } from './augmented_map.js';
import type { ResolvedProjection } from './input_projection.js';
import type { ResolvedJointOptions } from './joint_options.js';
import { overallStatus, type InputOptimizationStatus, type JointStats } from './joint_stats.js';

/** Per-sample measurements of one evaluated iterate. */
interface Measured {
  readonly rz: Float64Array;
  readonly ru: Float64Array;
  readonly rx: Float64Array;
  readonly converged: Uint8Array;
  readonly nonfinite: Uint8Array;
  readonly objective: Float64Array;
}

/**
 * Block residuals of iterate s with image T(s), from one device read:
 * r_z = ||f(z,x) - z||, r_u = ||u+ - u||, r_x = ||x - x+|| / a, and the
 * convergence test of `JointInputOptions` (each <= tol (1 + ||block||)).
 */
function measure(s: tf.Tensor2D, image: tf.Tensor2D, objective: tf.Tensor1D, layout: JointLayout, o: ResolvedJointOptions): Measured {
  const b = s.shape[0];
  const packed = tf.tidy(() => {
    const cur = splitState(s, layout);
    const next = splitState(image, layout);
    const rowNorm = (t: tf.Tensor2D): tf.Tensor1D => tf.sqrt(tf.sum(tf.square(t), 1)) as tf.Tensor1D;
    return tf.stack([
      rowNorm(tf.sub(next.z, cur.z)),
      rowNorm(tf.sub(next.u, cur.u)),
      tf.div(rowNorm(tf.sub(next.x, cur.x)), o.stepSize),
      rowNorm(cur.z),
      rowNorm(cur.u),
      rowNorm(cur.x),
      objective,
    ]);
  });
  const d = packed.dataSync();
  packed.dispose();
  const m: Measured = {
    rz: Float64Array.from(d.subarray(0, b)),
    ru: Float64Array.from(d.subarray(b, 2 * b)),
    rx: Float64Array.from(d.subarray(2 * b, 3 * b)),
    converged: new Uint8Array(b),
    nonfinite: new Uint8Array(b),
    objective: Float64Array.from(d.subarray(6 * b, 7 * b)),
  };
  for (let i = 0; i < b; i++) {
    const row = [0, 1, 2, 3, 4, 5, 6].map((k) => d[k * b + i]!);
    if (!row.every(Number.isFinite)) {
      m.nonfinite[i] = 1;
      continue;
    }
    const ok = m.rz[i]! <= o.tol * (1 + row[3]!) && m.ru[i]! <= o.tol * (1 + row[4]!) && m.rx[i]! <= o.tol * (1 + row[5]!);
    m.converged[i] = ok ? 1 : 0;
  }
  return m;
}

/** Type-II Anderson mixing of the last n iterates (per sample), as in `anderson`, then Proj on the x-block. */
function mix(xs: tf.Tensor2D[], fs: tf.Tensor2D[], o: ResolvedJointOptions, projection: ResolvedProjection, layout: JointLayout): tf.Tensor2D {
  return tf.tidy(() => {
    const batch = xs[0]!.shape[0];
    const n = xs.length;
    const X = tf.stack(xs, 1) as tf.Tensor3D;
    const F = tf.stack(fs, 1) as tf.Tensor3D;
    let a: tf.Tensor3D;
    if (n === 1) a = tf.ones([batch, 1, 1]);
    else {
      // Residual metric of the mixing: the x-block is weighted by `inputWeight` (see JointAndersonOptions).
      const residuals = tf.sub(F, X);
      const G = o.inputWeight === 1 ? residuals : tf.mul(residuals, tf.concat([tf.ones([1, 1, 2 * layout.units]), tf.fill([1, 1, layout.inputDim], o.inputWeight)], 2));
      const w = andersonWeights(tf.matMul(G, G, false, true).dataSync(), batch, n, o.ridge);
      a = tf.tensor3d(w, [batch, n, 1]);
    }
    let next = tf.sum(tf.mul(a, F), 1) as tf.Tensor2D;
    if (o.damping !== 1) next = tf.add(tf.mul(next, o.damping), tf.mul(tf.sum(tf.mul(a, X), 1), 1 - o.damping)) as tf.Tensor2D;
    // Extrapolation can leave the feasible set; every evaluated iterate is feasible.
    const { z, u, x } = splitState(next, layout);
    return tf.concat([z, u, projection.project(x)], 1) as tf.Tensor2D;
  });
}

/** The joint solve's outcome: the returned state (owned by the caller) and its statistics. */
export interface JointSolveResult {
  readonly state: tf.Tensor2D;
  readonly stats: JointStats;
}

/**
 * Anderson-accelerated fixed-point iteration s_{k+1} = mix(T(s_k), ...) of the
 * augmented map on the stacked state. Stops when every sample meets the block
 * tolerance, at the iteration limit, or at the first NaN/Inf. Returns the last
 * finite *evaluated* iterate, so its residuals and objective are the ones measured
 * at that exact point (never an extrapolated point that was not checked).
 * Holds at most 2m + 3 state tensors whatever the iteration count.
 */
export function solveJoint(map: AugmentedMap, s0: tf.Tensor2D, layout: JointLayout, projection: ResolvedProjection, o: ResolvedJointOptions, start: number): JointSolveResult {
  const xs: tf.Tensor2D[] = [];
  const fs: tf.Tensor2D[] = [];
  const objectiveTrace: number[] = [];
  const timeTraceMs: number[] = [];
  let s = tf.tidy(() => {
    const { z, u, x } = splitState(s0, layout);
    return tf.concat([z, u, projection.project(x)], 1) as tf.Tensor2D;
  });
  let last: { state: tf.Tensor2D; m: Measured } | undefined;
  let culprits: Uint8Array | undefined;
  let iterations = 0;
  try {
    for (let k = 0; k < o.maxIterations; k++) {
      const ev = tf.tidy(() => {
        const e = map(s);
        return { image: e.image, objective: e.objective };
      });
      iterations++;
      const m = measure(s, ev.image, ev.objective, layout, o);
      ev.objective.dispose();
      if (m.nonfinite.some((v) => v === 1)) {
        ev.image.dispose();
        culprits = m.nonfinite;
        break;
      }
      objectiveTrace.push(mean(m.objective));
      timeTraceMs.push(performance.now() - start);
      last?.state.dispose();
      last = { state: tf.clone(s), m };
      if (m.converged.every((v) => v === 1)) {
        ev.image.dispose();
        break;
      }
      xs.push(s);
      fs.push(ev.image);
      if (xs.length > o.memory) {
        xs.shift()!.dispose();
        fs.shift()!.dispose();
      }
      s = mix(xs, fs, o, projection, layout);
    }
  } finally {
    for (const t of [...xs, ...fs]) t.dispose();
    if (!xs.includes(s)) s.dispose();
  }
  return finish(last, culprits, s0, layout, o, iterations, objectiveTrace, timeTraceMs, start);
}

function finish(
  last: { state: tf.Tensor2D; m: Measured } | undefined,
  culprits: Uint8Array | undefined,
  s0: tf.Tensor2D,
  layout: JointLayout,
  o: ResolvedJointOptions,
  iterations: number,
  objectiveTrace: number[],
  timeTraceMs: number[],
  start: number,
): JointSolveResult {
  const b = s0.shape[0];
  const nan = (): Float64Array => new Float64Array(b).fill(NaN);
  const m = last?.m;
  const statuses: InputOptimizationStatus[] = [];
  for (let i = 0; i < b; i++) {
    if (culprits?.[i] || !m) statuses.push('nonfinite');
    else statuses.push(m.converged[i] ? 'optimal' : 'max_iters');
  }
  const status = overallStatus(statuses);
  const residuals = { z: m?.rz ?? nan(), u: m?.ru ?? nan(), x: m?.rx ?? nan() };
  const stats: JointStats = {
    status,
    statuses,
    iterations,
    objective: m?.objective ?? nan(),
    objectiveTrace,
    timeTraceMs,
    wallTimeMs: performance.now() - start,
    residuals,
    message: describe(status, statuses, residuals, iterations, o),
  };
  return { state: last?.state ?? tf.clone(s0), stats };
}

function describe(status: InputOptimizationStatus, statuses: readonly InputOptimizationStatus[], r: { z: Float64Array; u: Float64Array; x: Float64Array }, iterations: number, o: ResolvedJointOptions): string {
  const head = `joint input optimization: ${STATUS_MESSAGES[status]} (${status}) after ${iterations} iterations`;
  if (status === 'optimal') return head;
  let worst = statuses.findIndex((s) => s === 'nonfinite');
  if (worst < 0) {
    worst = 0;
    const score = (i: number): number => Math.max(r.z[i]!, r.u[i]!, r.x[i]!);
    for (let i = 1; i < statuses.length; i++) if (statuses[i] !== 'optimal' && !(score(i) <= score(worst))) worst = i;
  }
  const failed = statuses.filter((s) => s !== 'optimal').length;
  return `${head}; ${failed} of ${statuses.length} samples unconverged; worst sample ${worst} has block residuals z ${r.z[worst]}, u ${r.u[worst]}, x ${r.x[worst]} vs tol ${o.tol} (relative to 1 + block norm)`;
}

function mean(v: Float64Array): number {
  let s = 0;
  for (const x of v) s += x;
  return s / Math.max(1, v.length);
}
