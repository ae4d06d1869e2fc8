import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/backend.js';
import { certify, pgdAttack, readReluNetwork, robustLoss } from '../../../src/robust/index.js';
import { dualBoundsF64, networkToF64, type StepF64 } from '../../../src/robust/dual_network_f64.js';
import { randomReluModel, robustTrainingRun, uniforms } from './random_networks.js';

beforeAll(async () => {
  await selectBackend();
});

/** mean_b log Σ_j exp(−J_j) with the float64 dual network: the reference for central differences. */
function lossF64(steps: readonly StepF64[], xs: readonly number[][], labels: readonly number[], eps: number): number {
  let total = 0;
  xs.forEach((x, b) => {
    const { marginLower } = dualBoundsF64(steps, Float64Array.from(x, (v) => v), new Float64Array(x.length).fill(eps), labels[b]!);
    const top = Math.max(...marginLower.map((m) => -m));
    total += top + Math.log(marginLower.reduce((s, m) => s + Math.exp(-m - top), 0));
  });
  return total / xs.length;
}

describe('robustLoss', () => {
  it('gradient w.r.t. kernel and bias entries of every layer matches central differences of a float64 re-implementation (float32 autodiff: 2e-3 relative)', () => {
    const model = randomReluModel([3, 5, 5, 3], 31);
    const xs = [0, 1, 2, 3].map((i) => uniforms(3, 400 + i, 0.1, 0.9));
    // Round inputs to float32 so both routes see the same numbers.
    const xs32 = xs.map((x) => Array.from(Float32Array.from(x)));
    const labels = [0, 1, 2, 1];
    const eps = 0.3;
    const x = tf.tensor2d(xs32);
    const { value, grads } = tf.variableGrads(() => robustLoss(model, x, labels, eps));
    const steps = networkToF64(readReluNetwork(model));
    expect(value.dataSync()[0]!).toBeCloseTo(lossF64(steps, xs32, labels, eps), 5);
    const affine = steps.filter((s): s is Extract<StepF64, { kind: 'affine' }> => s.kind === 'affine');
    let checked = 0;
    model.layers.forEach((layer, li) => {
      const [kernelVar, biasVar] = layer.trainableWeights.map((w) => w.originalName);
      const kernelGrad = grads[kernelVar!]!.dataSync();
      const biasGrad = grads[biasVar!]!.dataSync();
      const entries: [Float64Array, number, number][] = [
        [affine[li]!.kernel, 0, kernelGrad[0]!],
        [affine[li]!.kernel, kernelGrad.length - 1, kernelGrad[kernelGrad.length - 1]!],
        [affine[li]!.bias!, 1, biasGrad[1]!],
      ];
      for (const [array, index, analytic] of entries) {
        const h = 1e-6;
        const saved = array[index]!;
        array[index] = saved + h;
        const up = lossF64(steps, xs32, labels, eps);
        array[index] = saved - h;
        const down = lossF64(steps, xs32, labels, eps);
        array[index] = saved;
        const numeric = (up - down) / (2 * h);
        expect(Math.abs(analytic - numeric)).toBeLessThan(2e-3 * Math.max(1e-2, Math.abs(numeric)));
        if (Math.abs(numeric) > 1e-3) checked++;
      }
    });
    // Most checked entries have a clearly nonzero derivative (the test can fail).
    expect(checked).toBeGreaterThanOrEqual(5);
    tf.dispose([value, x, ...Object.values(grads)]);
    model.dispose();
  });

  it('is the paper’s CE on −J: equals mean log Σ exp(−J) of the certify bounds, and is ≥ the clean cross-entropy', () => {
    const model = randomReluModel([4, 6, 3], 32);
    const x = tf.tensor2d([0, 1, 2].map((i) => uniforms(4, 500 + i)));
    const labels = [2, 0, 1];
    const loss = robustLoss(model, x, labels, 0.1, { inputBox: [0, 1] });
    const bounds = certify(model, x, 0.1, { labels, inputBox: [0, 1] });
    const expected = bounds.marginLower.reduce((s, row) => s + Math.log(row.reduce((t, m) => t + Math.exp(-m), 0)), 0) / 3;
    expect(loss.dataSync()[0]!).toBeCloseTo(expected, 5);
    const clean = tf.tidy(() => tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(labels, 'int32'), 3), model.predict(x) as tf.Tensor).dataSync()[0]!);
    expect(loss.dataSync()[0]!).toBeGreaterThanOrEqual(clean - 1e-6);
    tf.dispose([loss, x]);
    model.dispose();
  });

  it('at ε = 0 the region is the point x: the robust loss is the clean cross-entropy, with the same gradient', () => {
    const model = randomReluModel([4, 6, 5, 3], 34);
    const x = tf.tensor2d([0, 1, 2].map((i) => uniforms(4, 550 + i)));
    const labels = [1, 0, 2];
    const clean = () => tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(labels, 'int32'), 3), model.apply(x) as tf.Tensor) as tf.Scalar;
    const robust = tf.variableGrads(() => robustLoss(model, x, labels, 0));
    const reference = tf.variableGrads(clean);
    expect(robust.value.dataSync()[0]!).toBeCloseTo(reference.value.dataSync()[0]!, 5);
    for (const name of Object.keys(reference.grads)) {
      const a = robust.grads[name]!.dataSync();
      const b = reference.grads[name]!.dataSync();
      b.forEach((v, i) => expect(Math.abs(a[i]! - v)).toBeLessThan(1e-5));
    }
    tf.dispose([x, robust.value, reference.value, ...Object.values(robust.grads), ...Object.values(reference.grads)]);
    model.dispose();
  });

  it('a robust training loop lowers the loss and does not grow tf.memory().numTensors; certify and pgdAttack do not leak', () => {
    const model = randomReluModel([4, 8, 8, 3], 33);
    const x = tf.tensor2d([0, 1, 2, 3, 4, 5].map((i) => uniforms(4, 600 + i)));
    const labels = [0, 1, 2, 0, 1, 2];
    const optimizer = tf.train.adam(0.01);
    const { first, last, tensorsBefore: before, tensorsAfter } = robustTrainingRun(model, x, labels, 0.05, 30, optimizer, robustLoss);
    expect(tensorsAfter).toBe(before);
    expect(last).toBeLessThan(first);
    for (let i = 0; i < 3; i++) {
      certify(model, x, 0.05, { labels, returnBounds: true });
      certify(model, x, 0.05, { labels, returnBounds: true, precision: 'float32', batchSize: 4 });
      tf.dispose(pgdAttack(model, x, labels, 0.05, { steps: 5, randomStart: true }).adversarial);
    }
    expect(tf.memory().numTensors).toBe(before);
    optimizer.dispose();
    x.dispose();
    model.dispose();
  });
});
