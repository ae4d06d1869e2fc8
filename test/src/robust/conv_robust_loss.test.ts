import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/backend.js';
import { certify, robustLoss } from '../../../src/robust/index.js';
import { dualBoundsF64, type StepF64 } from '../../../src/robust/dual_network_f64.js';
import { convMatrixByBasis, randomConvModel, unrolledLayersF64 } from './conv_networks.js';
import { robustTrainingRun, uniforms } from './random_networks.js';

beforeAll(async () => {
  await selectBackend();
});

/** The unrolled float64 layers as dual-network steps (a ReLU between consecutive layers). */
function stepsOf(layers: ReturnType<typeof unrolledLayersF64>): Extract<StepF64, { kind: 'affine' }>[] {
  return layers.map((layer) => ({
    kind: 'affine' as const,
    nIn: layer.kernel.length,
    nOut: layer.bias.length,
    kernel: Float64Array.from(layer.kernel.flat()),
    bias: Float64Array.from(layer.bias),
  }));
}

/** mean_b log Σ_j exp(−J_j) with the float64 dual network: the reference for central differences. */
function lossF64(affine: readonly StepF64[], xs: readonly number[][], labels: readonly number[], eps: number): number {
  const steps = affine.flatMap((step, i) => (i < affine.length - 1 ? [step, { kind: 'relu' as const }] : [step]));
  let total = 0;
  xs.forEach((x, b) => {
    const { marginLower } = dualBoundsF64(steps, Float64Array.from(x), new Float64Array(x.length).fill(eps), labels[b]!);
    const top = Math.max(...marginLower.map((m) => -m));
    total += top + Math.log(marginLower.reduce((s, m) => s + Math.exp(-m - top), 0));
  });
  return total / xs.length;
}

const INPUT = [6, 6, 1] as const;
const CONVS = [
  { filters: 2, kernel: 3, stride: 2, padding: 'same' as const },
  { filters: 3, kernel: 2, stride: 1, padding: 'valid' as const },
];
// A strided 'valid' conv that leaves the last row and column unread, then a 'same' one.
const CONVS_CROPPED = [
  { filters: 2, kernel: 3, stride: 2, padding: 'valid' as const },
  { filters: 2, kernel: 2, stride: 1, padding: 'same' as const },
];

describe('robustLoss through conv2d layers', () => {
  it.each([
    ['stride-2 same, then valid', CONVS, 41],
    ['stride-2 valid (cropped), then same', CONVS_CROPPED, 46],
  ] as const)('gradient w.r.t. conv kernel and bias entries matches central differences of the float64 dual network (2e-3 relative): %s', (_name, convs, seed) => {
    const model = randomConvModel(INPUT, convs, [3], seed);
    const n = 36;
    const xs = [0, 1, 2, 3].map((i) => Array.from(Float32Array.from(uniforms(n, 700 + i, 0.1, 0.9))));
    const labels = [0, 1, 2, 1];
    const eps = 0.1;
    const x = tf.tensor4d(xs.flat(), [4, ...INPUT]);
    const { value, grads } = tf.variableGrads(() => robustLoss(model, x, labels, eps));
    const steps = stepsOf(unrolledLayersF64(model));
    expect(value.dataSync()[0]!).toBeCloseTo(lossF64(steps, xs, labels, eps), 5);
    let checked = 0;
    const h = 1e-6;
    model.layers.slice(0, 2).forEach((layer, li) => {
      const [kernelVar, biasVar] = layer.trainableWeights.map((w) => w.originalName);
      const kernelGrad = grads[kernelVar!]!.dataSync();
      const biasGrad = grads[biasVar!]!.dataSync();
      const filterShape = layer.getWeights()[0]!.shape as [number, number, number, number];
      const step = steps[li]!;
      const filters = filterShape[3];
      for (const entry of [0, Math.floor(kernelGrad.length / 2), kernelGrad.length - 1]) {
        // The matrix is linear in the filter: perturbing entry t adds h·K(e_t), K(e_t) from tf.conv2d of the basis images.
        const oneHot = tf.tidy(() => tf.reshape(tf.cast(tf.oneHot(tf.tensor1d([entry], 'int32'), kernelGrad.length), 'float32'), filterShape) as tf.Tensor4D);
        const direction = Float64Array.from(convMatrixByBasis(layer, oneHot).flat());
        oneHot.dispose();
        const shifted = (delta: number): number => {
          const kernel = step.kernel.map((v, k) => v + delta * direction[k]!);
          return lossF64(steps.map((s, i) => (i === li ? { ...s, kernel } : s)), xs, labels, eps);
        };
        const numeric = (shifted(h) - shifted(-h)) / (2 * h);
        expect(Math.abs(kernelGrad[entry]! - numeric)).toBeLessThan(2e-3 * Math.max(1e-2, Math.abs(numeric)));
        if (Math.abs(numeric) > 1e-3) checked++;
      }
      // Bias of filter 1 repeats at every pixel of its channel.
      const shiftedBias = (delta: number): number => {
        const bias = step.bias!.map((v, k) => (k % filters === 1 ? v + delta : v));
        return lossF64(steps.map((s, i) => (i === li ? { ...s, bias } : s)), xs, labels, eps);
      };
      const numeric = (shiftedBias(h) - shiftedBias(-h)) / (2 * h);
      expect(Math.abs(biasGrad[1]! - numeric)).toBeLessThan(2e-3 * Math.max(1e-2, Math.abs(numeric)));
      if (Math.abs(numeric) > 1e-3) checked++;
    });
    expect(checked).toBeGreaterThanOrEqual(5);
    tf.dispose([value, x, ...Object.values(grads)]);
    model.dispose();
  });

  it('a conv robust training loop lowers the loss and does not grow tf.memory().numTensors; certify does not leak', () => {
    const model = randomConvModel(INPUT, CONVS, [3], 42);
    const xs = [0, 1, 2, 3, 4, 5].flatMap((i) => uniforms(36, 800 + i));
    const x = tf.tensor4d(xs, [6, ...INPUT]);
    const labels = [0, 1, 2, 0, 1, 2];
    const optimizer = tf.train.adam(0.01);
    const { first, last, tensorsBefore: before, tensorsAfter } = robustTrainingRun(model, x, labels, 0.05, 20, optimizer, robustLoss);
    expect(tensorsAfter).toBe(before);
    expect(last).toBeLessThan(first);
    for (let i = 0; i < 2; i++) {
      certify(model, x, 0.05, { labels, returnBounds: true });
      certify(model, x, 0.05, { labels, returnBounds: true, precision: 'float32', batchSize: 4 });
    }
    expect(tf.memory().numTensors).toBe(before);
    optimizer.dispose();
    x.dispose();
    model.dispose();
  });
});
