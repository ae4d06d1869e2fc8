import * as tf from '@tensorflow/tfjs';

/** Deterministic uniform [0, 1) stream (mulberry32) for reproducible random instances. */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Row-major data of one random feasible QP instance of sizes (n, m, k). */
export interface Instance {
  Q: number[]; p: number[]; G: number[]; h: number[]; A: number[]; b: number[];
}

/**
 * A random strictly convex QP with a known strictly feasible point z0:
 * Q = M M' + 0.5 I, h = G z0 + s0 (s0 > 0), b = A z0, and p scaled so that
 * some inequalities are active at the solution and others are not. Matrices
 * in `shared` are used as given (h and b are still made feasible for them).
 */
export function randomInstance(rand: () => number, n: number, m: number, k: number, shared: Partial<Pick<Instance, 'Q' | 'G' | 'A'>> = {}): Instance {
  const r = (): number => 2 * rand() - 1;
  const M = Array.from({ length: n * n }, r);
  const Q = new Array<number>(n * n).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let v = i === j ? 0.5 : 0;
    for (let l = 0; l < n; l++) v += M[i * n + l]! * M[j * n + l]!;
    Q[i * n + j] = v;
  }
  const z0 = Array.from({ length: n }, r);
  const G = shared.G ?? Array.from({ length: m * n }, r);
  const h = Array.from({ length: m }, (_, i) => G.slice(i * n, (i + 1) * n).reduce((a, g, j) => a + g * z0[j]!, 0) + 0.1 + rand());
  const A = shared.A ?? Array.from({ length: k * n }, r);
  const b = Array.from({ length: k }, (_, i) => A.slice(i * n, (i + 1) * n).reduce((a, g, j) => a + g * z0[j]!, 0));
  const p = Array.from({ length: n }, () => 3 * r());
  return { Q: shared.Q ?? Q, p, G, h, A, b };
}

/** Stacks `count` instances into batched tensors [count, ...]. */
export function stackInstances(list: Instance[], n: number, m: number, k: number): Record<keyof Instance, tf.Tensor> {
  const c = list.length;
  return {
    Q: tf.tensor(list.flatMap((x) => x.Q), [c, n, n]),
    p: tf.tensor(list.flatMap((x) => x.p), [c, n]),
    G: tf.tensor(list.flatMap((x) => x.G), [c, m, n]),
    h: tf.tensor(list.flatMap((x) => x.h), [c, m]),
    A: tf.tensor(list.flatMap((x) => x.A), [c, k, n]),
    b: tf.tensor(list.flatMap((x) => x.b), [c, k]),
  };
}

/**
 * Central finite differences of the scalar `f` with respect to every entry of
 * `args[which]` (float32 tensors; step `step`).
 */
export function finiteDifference(f: (args: tf.Tensor[]) => number, args: tf.Tensor[], which: number, step: number): Float64Array {
  const base = args[which]!.dataSync().slice() as Float32Array;
  const out = new Float64Array(base.length);
  for (let i = 0; i < base.length; i++) {
    const eval_ = (delta: number): number => {
      const data = base.slice();
      data[i] = data[i]! + delta;
      const moved = args.slice();
      moved[which] = tf.tensor(data, args[which]!.shape);
      const v = f(moved);
      moved[which]!.dispose();
      return v;
    };
    out[i] = (eval_(step) - eval_(-step)) / (2 * step);
  }
  return out;
}

/** max |a - b| / max(|b|_inf, floor). */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1): number {
  let diff = 0;
  let scale = floor;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / scale;
}
