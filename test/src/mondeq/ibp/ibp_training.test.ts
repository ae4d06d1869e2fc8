import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../src/backend.js';
import { ShapeError, ValueError } from '../../../../solvers/errors.js';
import {
  IbpMonDEQLayer,
  certifyMargins64,
  ibpMonDeq,
  ibpMonDeqBounds,
  ibpMonDeqLayer,
  ibpMonotoneW64,
  ibpRobustLoss,
  ibpSchedule,
  intervalAffine,
  linfBox,
  marginLowerBounds,
  mixedIbpLoss,
  type IbpMonDeqWeights,
} from '../../../../src/mondeq/ibp/index.js';
import { normals, rng } from '../../deq/contractive_cell.js';
import { bruteForceEquilibrium, intervalMatrix64 } from './brute_force.js';

beforeAll(async () => {
  await selectBackend();
});

const inputDim = 3;
const units = 4;
const classes = 3;
const m = 0.4;
const eps = 0.25;

interface Params64 {
  U: Float64Array;
  b: Float64Array;
  M: Float64Array;
  K: Float64Array;
  c: Float64Array;
}

/**
 * The IBP robust loss computed independently in float64: interval equilibrium by
 * active-set enumeration, margin lower bounds by minimizing the affine margin
 * over every corner of the box, cross-entropy on the negated margins.
 */
function robustLoss64(p: Params64, x: Float64Array, labels: number[]): number {
  const batch = labels.length;
  const W = ibpMonotoneW64(p.M, units, m);
  const WI = intervalMatrix64(W, units);
  let total = 0;
  for (let row = 0; row < batch; row++) {
    const sI = new Float64Array(2 * units);
    for (let j = 0; j < units; j++) {
      let mid = p.b[j]!;
      let rad = 0;
      for (let i = 0; i < inputDim; i++) {
        mid += x[row * inputDim + i]! * p.U[i * units + j]!;
        rad += eps * Math.abs(p.U[i * units + j]!);
      }
      sI[j] = mid - rad;
      sI[units + j] = mid + rad;
    }
    const v = bruteForceEquilibrium(WI, sI, 2 * units);
    const t = labels[row]!;
    const worst: number[] = [];
    for (let j = 0; j < classes; j++) {
      if (j === t) {
        worst.push(0);
        continue;
      }
      let best = Infinity;
      for (let corner = 0; corner < 1 << units; corner++) {
        let margin = p.c[t]! - p.c[j]!;
        for (let i = 0; i < units; i++) {
          const z = corner & (1 << i) ? v[units + i]! : v[i]!;
          margin += z * (p.K[i * classes + t]! - p.K[i * classes + j]!);
        }
        best = Math.min(best, margin);
      }
      worst.push(-best);
    }
    const mx = Math.max(...worst);
    const lse = mx + Math.log(worst.reduce((acc, w) => acc + Math.exp(w - mx), 0));
    total += lse - worst[t]!;
  }
  return total / batch;
}

describe('IBP training pieces', () => {
  it('gradient of the IBP robust loss w.r.t. M, U, b and the head matches central finite differences of a float64 computation', () => {
    const rand = rng(7);
    const p: Params64 = {
      U: Float64Array.from(normals(inputDim * units, rand)),
      b: Float64Array.from(normals(units, rand)),
      M: Float64Array.from(normals(units * units, rand).map((v) => 2 * v)),
      K: Float64Array.from(normals(units * classes, rand)),
      c: Float64Array.from(normals(classes, rand)),
    };
    const x = Float64Array.from(normals(2 * inputDim, rand));
    const labels = [0, 2];
    const tight = { forward: { maxIters: 3000, relTol: 1e-6, absTol: 1e-7 }, backward: { maxIters: 3000, relTol: 1e-6, absTol: 1e-7 } };
    const vars = {
      U: tf.tensor2d(Float32Array.from(p.U), [inputDim, units]),
      b: tf.tensor1d(Float32Array.from(p.b)),
      M: tf.tensor2d(Float32Array.from(p.M), [units, units]),
      K: tf.tensor2d(Float32Array.from(p.K), [units, classes]),
      c: tf.tensor1d(Float32Array.from(p.c)),
    };
    const xt = tf.tensor2d(Float32Array.from(x), [2, inputDim]);
    const yt = tf.tensor1d(labels, 'int32');
    const grads = tf.grads((U: tf.Tensor, b: tf.Tensor, M: tf.Tensor, K: tf.Tensor, c: tf.Tensor) => {
      const box = linfBox(xt, eps);
      const r = ibpMonDeqBounds(box.lo, box.hi, { U, b, M } as IbpMonDeqWeights, m, tight);
      return ibpRobustLoss(marginLowerBounds({ lo: r.zLo, hi: r.zHi }, K as tf.Tensor2D, c as tf.Tensor1D, yt), yt);
    })([vars.U, vars.b, vars.M, vars.K, vars.c]);
    const names = ['U', 'b', 'M', 'K', 'c'] as const;
    let checked = 0;
    names.forEach((name, k) => {
      const g = grads[k]!.dataSync();
      for (let i = 0; i < p[name].length; i++) {
        const h = 1e-6;
        const orig = p[name][i]!;
        p[name][i] = orig + h;
        const up = robustLoss64(p, x, labels);
        p[name][i] = orig - h;
        const down = robustLoss64(p, x, labels);
        p[name][i] = orig;
        const fd = (up - down) / (2 * h);
        expect(Math.abs(g[i]! - fd)).toBeLessThan(1e-4 + 1e-3 * Math.abs(fd));
        if (Math.abs(fd) > 1e-3) checked++;
      }
    });
    // The check is not vacuous: many entries have a non-trivial derivative.
    expect(checked).toBeGreaterThan(10);
    tf.dispose([...Object.values(vars), xt, yt, ...grads]);
  });

  it('gradient of the point equilibrium w.r.t. x, M, U and b (used by PGD and the clean loss) matches central finite differences', () => {
    const rand = rng(17);
    const p = {
      U: Float64Array.from(normals(inputDim * units, rand)),
      b: Float64Array.from(normals(units, rand)),
      M: Float64Array.from(normals(units * units, rand).map((v) => 3 * v)),
      x: Float64Array.from(normals(2 * inputDim, rand)),
    };
    const weight = Float64Array.from(normals(2 * units, rand));
    const loss64 = (): number => {
      const W = ibpMonotoneW64(p.M, units, m);
      let total = 0;
      for (let row = 0; row < 2; row++) {
        const s = Float64Array.from(p.b);
        for (let j = 0; j < units; j++) for (let i = 0; i < inputDim; i++) s[j]! += p.x[row * inputDim + i]! * p.U[i * units + j]!;
        const z = bruteForceEquilibrium(W, s, units);
        for (let j = 0; j < units; j++) total += weight[row * units + j]! * z[j]!;
      }
      return total;
    };
    const tight = { forward: { maxIters: 3000, relTol: 1e-6, absTol: 1e-7 } };
    const w = tf.tensor2d(Float32Array.from(weight), [2, units]);
    const tensors = {
      x: tf.tensor2d(Float32Array.from(p.x), [2, inputDim]),
      M: tf.tensor2d(Float32Array.from(p.M), [units, units]),
      U: tf.tensor2d(Float32Array.from(p.U), [inputDim, units]),
      b: tf.tensor1d(Float32Array.from(p.b)),
    };
    const grads = tf.grads((x: tf.Tensor, M: tf.Tensor, U: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(ibpMonDeq(x as tf.Tensor2D, { U, b, M } as IbpMonDeqWeights, m, tight).z, w)),
    )([tensors.x, tensors.M, tensors.U, tensors.b]);
    let checked = 0;
    (['x', 'M', 'U', 'b'] as const).forEach((name, k) => {
      const g = grads[k]!.dataSync();
      for (let i = 0; i < p[name].length; i++) {
        const h = 1e-6;
        const orig = p[name][i]!;
        p[name][i] = orig + h;
        const up = loss64();
        p[name][i] = orig - h;
        const down = loss64();
        p[name][i] = orig;
        const fd = (up - down) / (2 * h);
        expect(Math.abs(g[i]! - fd)).toBeLessThan(1e-4 + 1e-3 * Math.abs(fd));
        if (Math.abs(fd) > 1e-3) checked++;
      }
    });
    expect(checked).toBeGreaterThan(10);
    tf.dispose([w, ...Object.values(tensors), ...grads]);
  });

  it('margin lower bounds are exact for the affine head (minimum over all box corners) and agree with the float64 route', () => {
    const rand = rng(9);
    const width = 4;
    const lo = Float32Array.from(normals(3 * width, rand));
    const hi = lo.map((v, i) => v + Math.abs(normals(1, rng(i + 1))[0]!));
    const K = Float32Array.from(normals(width * classes, rand));
    const c = Float32Array.from(normals(classes, rand));
    const labels = [1, 0, 2];
    const out = tf.tidy(() =>
      marginLowerBounds({ lo: tf.tensor2d(lo, [3, width]), hi: tf.tensor2d(hi, [3, width]) }, tf.tensor2d(K, [width, classes]), tf.tensor1d(c), tf.tensor1d(labels, 'int32')).dataSync(),
    );
    const cert = certifyMargins64(lo, hi, 3, K, c, width, classes, labels);
    for (let row = 0; row < 3; row++) {
      const t = labels[row]!;
      for (let j = 0; j < classes; j++) {
        let best = Infinity;
        for (let corner = 0; corner < 1 << width; corner++) {
          let margin = c[t]! - c[j]!;
          for (let i = 0; i < width; i++) {
            const z = corner & (1 << i) ? hi[row * width + i]! : lo[row * width + i]!;
            margin += z * (K[i * classes + t]! - K[i * classes + j]!);
          }
          best = Math.min(best, margin);
        }
        expect(Math.abs(out[row * classes + j]! - best)).toBeLessThan(1e-5);
        expect(Math.abs(cert.marginLower[row * classes + j]! - best)).toBeLessThan(1e-9);
      }
    }
    // intervalAffine contains the image of every corner.
    const box = tf.tidy(() => intervalAffine({ lo: tf.tensor2d(lo, [3, width]), hi: tf.tensor2d(hi, [3, width]) }, tf.tensor2d(K, [width, classes]), tf.tensor1d(c)));
    const yLo = box.lo.dataSync();
    const yHi = box.hi.dataSync();
    for (let row = 0; row < 3; row++) for (let corner = 0; corner < 1 << width; corner++) for (let k = 0; k < classes; k++) {
      let y = c[k]!;
      for (let i = 0; i < width; i++) y += (corner & (1 << i) ? hi[row * width + i]! : lo[row * width + i]!) * K[i * classes + k]!;
      expect(y).toBeGreaterThanOrEqual(yLo[row * classes + k]! - 1e-5);
      expect(y).toBeLessThanOrEqual(yHi[row * classes + k]! + 1e-5);
    }
    tf.dispose([box.lo, box.hi]);
  });

  it('follows the Gowal et al. epsilon / kappa schedule and validates it', () => {
    const o = { epsilon: 0.1, warmupSteps: 10, rampSteps: 20, kappaFinal: 0.5 };
    expect(ibpSchedule(0, o)).toEqual({ epsilon: 0, kappa: 1 });
    expect(ibpSchedule(9, o)).toEqual({ epsilon: 0, kappa: 1 });
    const mid = ibpSchedule(20, o);
    expect(mid.epsilon).toBeCloseTo(0.05, 12);
    expect(mid.kappa).toBeCloseTo(0.75, 12);
    expect(ibpSchedule(1000, o)).toEqual({ epsilon: 0.1, kappa: 0.5 });
    expect(() => ibpSchedule(0, { ...o, kappaFinal: 2 })).toThrow(ValueError);
    expect(() => ibpSchedule(0, { ...o, ramp: 3 } as never)).toThrow(/unknown ibpSchedule option key 'ramp'/);
    expect(() => mixedIbpLoss(tf.zeros([1, 3]) as tf.Tensor2D, tf.zeros([1, 3]) as tf.Tensor2D, tf.tensor1d([0], 'int32'), 1.5)).toThrow(ValueError);
    expect(() => marginLowerBounds({ lo: tf.zeros([2, 4]) as tf.Tensor2D, hi: tf.zeros([2, 4]) as tf.Tensor2D }, tf.zeros([5, 3]) as tf.Tensor2D, undefined, tf.tensor1d([0, 1], 'int32'))).toThrow(ShapeError);
    expect(() => marginLowerBounds({ lo: tf.zeros([2, 4]) as tf.Tensor2D, hi: tf.zeros([2, 4]) as tf.Tensor2D }, tf.zeros([4, 3]) as tf.Tensor2D, undefined, tf.tensor1d([0, 1], 'float32'))).toThrow(/int32/);
    expect(() => linfBox(tf.zeros([1, 2]) as tf.Tensor2D, -1)).toThrow(ValueError);
  });
});

describe('IbpMonDEQLayer', () => {
  it('IBP-trains without growing tf.memory(), lowers the robust loss, and round-trips serialization', async () => {
    const rand = rng(3);
    const n = 48;
    const xs = normals(n * 6, rand);
    const ys = new Int32Array(n);
    for (let i = 0; i < n; i++) ys[i] = xs[i * 6]! + xs[i * 6 + 1]! > 0 ? 1 : 0;
    const x = tf.tensor2d(xs, [n, 6]);
    const y = tf.tensor1d(ys, 'int32');
    const model = tf.sequential();
    model.add(ibpMonDeqLayer({ inputShape: [6], units: 12, monotonicity: 0.5 }));
    model.add(tf.layers.dense({ units: 2 }));
    const layer = model.layers[0] as IbpMonDEQLayer;
    const head = model.layers[1]!;
    const optimizer = tf.train.adam(0.02);
    const loss = (): tf.Scalar => {
      const box = linfBox(x, 0.05);
      const b = layer.bounds(box.lo, box.hi);
      const [K, c] = head.trainableWeights.map((w) => w.read()) as [tf.Tensor2D, tf.Tensor1D];
      const margins = marginLowerBounds({ lo: b.zLo, hi: b.zHi }, K, c, y);
      return mixedIbpLoss(model.apply(x) as tf.Tensor2D, margins, y, 0.5);
    };
    const step = (): number => {
      const { value, grads } = tf.variableGrads(loss);
      optimizer.applyGradients(grads as tf.NamedTensorMap as Record<string, tf.Variable>);
      const v = value.dataSync()[0]!;
      tf.dispose([value, ...Object.values(grads)]);
      return v;
    };
    const first = step();
    const before = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < 25; i++) last = step();
    expect(tf.memory().numTensors).toBe(before);
    expect(last).toBeLessThan(0.8 * first);
    expect(layer.lastStats?.converged).toBe(true);
    expect(layer.lastBackwardStats?.converged).toBe(true);

    const restored = await tf.models.modelFromJSON(JSON.parse(JSON.stringify(model.toJSON(null, false))));
    restored.setWeights(model.getWeights());
    const a = model.predict(x) as tf.Tensor;
    const b = restored.predict(x) as tf.Tensor;
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!)).toBeLessThan(1e-5);
    expect((restored.layers[0] as IbpMonDEQLayer).monotonicity).toBe(0.5);
    expect(() => ibpMonDeqLayer({ units: 4, monotonicity: 1 })).toThrow(ValueError);
    expect(() => ibpMonDeqLayer({ units: 4, unitz: 3 } as never)).toThrow(/unknown IbpMonDEQLayer argument key 'unitz'/);
    expect(() => layer.bounds(tf.zeros([1, 5]) as tf.Tensor2D, tf.zeros([1, 5]) as tf.Tensor2D)).toThrow(ShapeError);
    tf.dispose([x, y, a, b]);
    model.dispose();
    restored.dispose();
  });
});
