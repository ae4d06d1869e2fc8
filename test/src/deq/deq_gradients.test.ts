import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/backend.js';
import { deq, type DeqBackwardMode } from '../../../src/deq/index.js';
import { normals, rng, tanhCell } from './contractive_cell.js';

beforeAll(async () => {
  await selectBackend();
});

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}

/** Loss of the equilibrium: a fixed random linear functional plus a square, so dl/dz* varies per entry. */
function lossOf(z: tf.Tensor2D, c: tf.Tensor2D): tf.Scalar {
  return tf.add(tf.sum(tf.mul(z, c)), tf.mul(0.5, tf.sum(tf.square(z))));
}

describe('DEQ gradients', () => {
  const units = 6;
  const inputDim = 4;
  const batch = 3;

  it('implicit gradients match a long unrolled forward and central finite differences', () => {
    const cell = tanhCell(units, inputDim, 0.6, 7);
    const rand = rng(11);
    const x = tf.tensor2d(normals(batch * inputDim, rand), [batch, inputDim]);
    const c = tf.tensor2d(normals(batch * units, rand), [batch, units]);
    const opts = { variables: cell.variables, units, forward: { solver: 'anderson' as const, absTol: 1e-7, relTol: 1e-7, maxIters: 200 } };

    const implicit = tf.variableGrads(() => lossOf(deq(cell.fn, x, opts).z, c), cell.variables);
    const unrolled = tf.variableGrads(() => {
      let z = tf.zeros([batch, units]) as tf.Tensor2D;
      for (let k = 0; k < 120; k++) z = cell.fn(z, x);
      return lossOf(z, c);
    }, cell.variables);
    for (const v of cell.variables) {
      const scale = tf.tidy(() => tf.max(tf.abs(unrolled.grads[v.name]!)).dataSync()[0]!);
      expect(maxAbsDiff(implicit.grads[v.name]!, unrolled.grads[v.name]!) / Math.max(1, scale)).toBeLessThan(1e-3);
    }
    const gxImplicit = tf.grad((xx: tf.Tensor) => lossOf(deq(cell.fn, xx as tf.Tensor2D, opts).z, c))(x);
    const gxUnrolled = tf.grad((xx: tf.Tensor) => {
      let z = tf.zeros([batch, units]) as tf.Tensor2D;
      for (let k = 0; k < 120; k++) z = cell.fn(z, xx as tf.Tensor2D);
      return lossOf(z, c);
    })(x);
    expect(maxAbsDiff(gxImplicit, gxUnrolled)).toBeLessThan(1e-3);

    // Central finite differences in a few random directions of W (float32: step 1e-2, the loss is smooth).
    const h = 1e-2;
    const lossAt = (): number => tf.tidy(() => lossOf(deq(cell.fn, x, opts).z, c).dataSync()[0]!);
    for (let trial = 0; trial < 3; trial++) {
      const dir = tf.tensor2d(normals(units * units, rand), [units, units]);
      const w0 = cell.W.clone();
      cell.W.assign(tf.add(w0, tf.mul(dir, h)));
      const plus = lossAt();
      cell.W.assign(tf.sub(w0, tf.mul(dir, h)));
      const minus = lossAt();
      cell.W.assign(w0);
      const fd = (plus - minus) / (2 * h);
      const analytic = tf.tidy(() => tf.sum(tf.mul(implicit.grads[cell.W.name]!, dir)).dataSync()[0]!);
      expect(Math.abs(fd - analytic), `fd ${fd} analytic ${analytic}`).toBeLessThan(1e-3 * Math.max(1, Math.abs(fd)));
      w0.dispose();
      dir.dispose();
    }
    tf.dispose([x, c, gxImplicit, gxUnrolled, implicit.value, unrolled.value, ...Object.values(implicit.grads), ...Object.values(unrolled.grads)]);
    cell.dispose();
  });

  it.each<[DeqBackwardMode, number]>([
    ['implicit', 1e-3],
    ['phantom', 0.2],
    ['jfb', 0.6],
  ])('%s backward approximates the implicit gradient (relative error < %f)', (mode, tolerance) => {
    const cell = tanhCell(units, inputDim, 0.5, 3);
    const rand = rng(5);
    const x = tf.tensor2d(normals(batch * inputDim, rand), [batch, inputDim]);
    const c = tf.tensor2d(normals(batch * units, rand), [batch, units]);
    const forward = { absTol: 1e-7, relTol: 1e-7, maxIters: 200 };
    const exact = tf.variableGrads(() => lossOf(deq(cell.fn, x, { variables: cell.variables, units, forward }).z, c), cell.variables);
    const approx = tf.variableGrads(
      () => lossOf(deq(cell.fn, x, { variables: cell.variables, units, forward, backward: { mode, phantomSteps: 12, phantomDamping: 0.8 } }).z, c),
      cell.variables,
    );
    const g0 = tf.concat(cell.variables.map((v) => exact.grads[v.name]!.flatten()));
    const g1 = tf.concat(cell.variables.map((v) => approx.grads[v.name]!.flatten()));
    const rel = tf.tidy(() => tf.norm(tf.sub(g0, g1)).dataSync()[0]! / tf.norm(g0).dataSync()[0]!);
    expect(rel).toBeLessThan(tolerance);
    if (mode !== 'implicit') expect(rel).toBeGreaterThan(1e-6); // a different estimator, not the same code path
    tf.dispose([x, c, g0, g1, exact.value, approx.value, ...Object.values(exact.grads), ...Object.values(approx.grads)]);
    cell.dispose();
  });
});
