import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/backend.js';
import { ValueError } from '../../../solvers/errors.js';
import { monDeq, monDeqLayer, MonDEQLayer, monotoneW, type MonDeqSplitting, type MonDeqWeights } from '../../../src/mondeq/index.js';
import { normals, rng } from '../deq/contractive_cell.js';

beforeAll(async () => {
  await selectBackend();
});

function randomWeights(inputDim: number, units: number, scale: number, seed: number): MonDeqWeights {
  const rand = rng(seed);
  return {
    U: tf.tensor2d(normals(inputDim * units, rand), [inputDim, units]),
    b: tf.tensor1d(normals(units, rand)),
    A: tf.tensor2d(normals(units * units, rand).map((v) => v * scale), [units, units]),
    B: tf.tensor2d(normals(units * units, rand).map((v) => v * scale), [units, units]),
  };
}

/** max |z - relu(W z + U'x + b)| / max(1, max|z|): how far z is from the equilibrium equation. */
function equationResidual(z: tf.Tensor2D, x: tf.Tensor2D, w: MonDeqWeights, m: number): number {
  return tf.tidy(() => {
    const W = monotoneW(w.A, w.B, m);
    const rhs = tf.relu(tf.add(tf.add(tf.matMul(z, W, false, true), tf.matMul(x, w.U)), w.b));
    return tf.max(tf.abs(tf.sub(z, rhs))).dataSync()[0]! / Math.max(1, tf.max(tf.abs(z)).dataSync()[0]!);
  });
}

describe('monDEQ', () => {
  it('converges for arbitrary random weights, large or small (Peaceman-Rachford)', () => {
    const x = tf.tensor2d(normals(4 * 5, rng(1)), [4, 5]);
    for (const [scale, seed] of [[0.1, 1], [1, 2], [3, 3], [10, 4]] as const) {
      const w = randomWeights(5, 12, scale, seed);
      const r = monDeq(x, w, 0.1, { forward: { maxIters: 2000, relTol: 1e-6, absTol: 1e-6 } });
      expect(r.stats.converged).toBe(true);
      expect(equationResidual(r.z, x, w, 0.1)).toBeLessThan(1e-3);
      tf.dispose([r.z, ...Object.values(w)]);
    }
    x.dispose();
  });

  it('forward-backward and Peaceman-Rachford reach the same fixed point', () => {
    const x = tf.tensor2d(normals(3 * 4, rng(7)), [3, 4]);
    const w = randomWeights(4, 8, 0.3, 9);
    const fb = monDeq(x, w, 0.5, { splitting: 'forward_backward', forward: { maxIters: 3000, relTol: 1e-7, absTol: 1e-7 } });
    const pr = monDeq(x, w, 0.5, { splitting: 'peaceman_rachford', forward: { maxIters: 3000, relTol: 1e-7, absTol: 1e-7 } });
    expect(fb.stats.converged).toBe(true);
    expect(pr.stats.converged).toBe(true);
    expect(fb.alpha).toBeLessThan((2 * 0.5) / (fb.lipschitz * fb.lipschitz));
    expect(pr.stats.iterations).toBeLessThan(fb.stats.iterations);
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(fb.z, pr.z))).dataSync()[0]!)).toBeLessThan(1e-4);
    expect(equationResidual(pr.z, x, w, 0.5)).toBeLessThan(1e-5);
    tf.dispose([x, fb.z, pr.z, ...Object.values(w)]);
  });

  it.each<MonDeqSplitting>(['peaceman_rachford', 'forward_backward'])('%s gradients match central finite differences', (splitting) => {
    const m = 0.5;
    const x = tf.tensor2d(normals(3 * 4, rng(11)), [3, 4]);
    const w = randomWeights(4, 6, 0.4, 12);
    const c = tf.tensor2d(normals(3 * 6, rng(13)), [3, 6]);
    const opts = { splitting, forward: { maxIters: 4000, relTol: 1e-7, absTol: 1e-7 } };
    const loss = (xx: tf.Tensor2D, ww: MonDeqWeights) =>
      tf.tidy(() => {
        const z = monDeq(xx, ww, m, opts).z;
        return tf.add(tf.sum(tf.mul(z, c)), tf.mul(0.5, tf.sum(tf.square(z)))) as tf.Scalar;
      });
    const names = ['x', 'U', 'b', 'A', 'B'] as const;
    const grads = tf.grads((xx: tf.Tensor, U: tf.Tensor, b: tf.Tensor, A: tf.Tensor, B: tf.Tensor) =>
      loss(xx as tf.Tensor2D, { U: U as tf.Tensor2D, b: b as tf.Tensor1D, A: A as tf.Tensor2D, B: B as tf.Tensor2D }),
    )([x, w.U, w.b, w.A, w.B]);
    const rand = rng(21);
    const h = 1e-2;
    names.forEach((name, i) => {
      const base = name === 'x' ? x : w[name];
      const dir = tf.tensor(normals(base.size, rand), base.shape);
      const at = (t: number) => {
        const moved = tf.add(base, tf.mul(dir, t));
        const args = { x, ...w, [name]: moved } as unknown as MonDeqWeights & { x: tf.Tensor2D };
        const v = loss(args.x, args).dataSync()[0]!;
        moved.dispose();
        return v;
      };
      const fd = (at(h) - at(-h)) / (2 * h);
      const analytic = tf.tidy(() => tf.sum(tf.mul(grads[i]!, dir)).dataSync()[0]!);
      expect(Math.abs(fd - analytic), `${name}: fd ${fd} analytic ${analytic}`).toBeLessThan(2e-3 * Math.max(1, Math.abs(fd)));
      dir.dispose();
    });
    tf.dispose([x, c, ...grads, ...Object.values(w)]);
  });

  it('rejects bad monotonicity and mismatched shapes with named errors', () => {
    const w = randomWeights(3, 4, 1, 1);
    const x = tf.zeros([2, 5]) as tf.Tensor2D;
    expect(() => monDeq(x, w, 0.1)).toThrow(/U \[3,4\]/);
    expect(() => monDeq(x, w, 0)).toThrow(ValueError);
    tf.dispose([x, ...Object.values(w)]);
  });
});

describe('MonDEQLayer', () => {
  it('trains inside model.fit (loss falls), round-trips serialization, and does not leak', async () => {
    const rand = rng(3);
    const n = 64;
    const xs = normals(n * 6, rand);
    const labels = new Float32Array(n);
    for (let i = 0; i < n; i++) labels[i] = xs[i * 6]! * xs[i * 6 + 1]! > 0 ? 1 : 0;
    const x = tf.tensor2d(xs, [n, 6]);
    const y = tf.tensor2d(labels, [n, 1]);
    const model = tf.sequential();
    model.add(monDeqLayer({ inputShape: [6], units: 16, monotonicity: 0.2 }));
    model.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
    model.compile({ optimizer: tf.train.adam(0.03), loss: 'binaryCrossentropy' });
    const layer = model.layers[0] as MonDEQLayer;
    const history = await model.fit(x, y, { epochs: 20, batchSize: 32, verbose: 0 });
    const losses = history.history['loss'] as number[];
    expect(losses[losses.length - 1]!).toBeLessThan(0.8 * losses[0]!);
    expect(layer.lastStats?.converged).toBe(true);
    expect(layer.lastBackwardStats?.converged).toBe(true);

    const before = tf.memory().numTensors;
    await model.fit(x, y, { epochs: 25, batchSize: 32, verbose: 0 }); // 50 steps
    expect(tf.memory().numTensors).toBe(before);

    const restored = await tf.models.modelFromJSON(JSON.parse(JSON.stringify(model.toJSON(null, false))));
    restored.setWeights(model.getWeights());
    const a = model.predict(x) as tf.Tensor;
    const b = restored.predict(x) as tf.Tensor;
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!)).toBeLessThan(1e-5);
    expect((restored.layers[0] as MonDEQLayer).monotonicity).toBe(0.2);
    tf.dispose([x, y, a, b]);
    model.dispose();
    restored.dispose();
  });
});
