/** Test helper: small dense ReLU networks with seeded N(0, 1) weights, and their weights in float64. */
import * as tf from '@tensorflow/tfjs';
import type { DenseF64 } from './lp_relaxation.js';

/** A dense ReLU chain `sizes[0] → … → sizes[last]` with linear logits; kernels N(0, 1/fanIn·scale²), biases N(0, 0.5²). */
export function randomReluModel(sizes: readonly number[], seed: number, scale = 1): tf.Sequential {
  const model = tf.sequential();
  for (let i = 1; i < sizes.length; i++) {
    model.add(
      tf.layers.dense({
        units: sizes[i]!,
        ...(i === 1 ? { inputShape: [sizes[0]!] } : {}),
        activation: i < sizes.length - 1 ? 'relu' : 'linear',
        kernelInitializer: tf.initializers.randomNormal({ seed: seed * 100 + i, stddev: scale / Math.sqrt(sizes[i - 1]!) * 1.5 }),
        biasInitializer: tf.initializers.randomNormal({ seed: seed * 100 + 50 + i, stddev: 0.5 }),
      }),
    );
  }
  return model;
}

/** The model's dense layers as float64 arrays (kernel [nIn][nOut], bias [nOut]). */
export function denseLayersF64(model: tf.LayersModel): DenseF64[] {
  return model.layers.map((layer) => {
    const [kernel, bias] = layer.getWeights();
    return { kernel: kernel!.arraySync() as number[][], bias: bias!.arraySync() as number[] };
  });
}

/** Forward pass in float64: logits of one input. */
export function forwardF64(layers: readonly DenseF64[], x: readonly number[]): number[] {
  let z = [...x];
  layers.forEach((layer, i) => {
    const out = layer.bias.map((b, j) => b + z.reduce((s, v, k) => s + v * layer.kernel[k]![j]!, 0));
    z = i < layers.length - 1 ? out.map((v) => Math.max(v, 0)) : out;
  });
  return z;
}

/** Uniform [lo, hi) numbers from a seeded mulberry32 stream. */
export function uniforms(n: number, seed: number, lo = 0, hi = 1): number[] {
  let a = seed >>> 0;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out.push(lo + (hi - lo) * (((t ^ (t >>> 14)) >>> 0) / 4294967296));
  }
  return out;
}

/**
 * Adam steps on `robustLoss` (the first one outside the count, so its
 * optimizer state exists before `tensorsBefore` is read): the first and last
 * loss and tf.memory().numTensors before and after the counted steps.
 */
export function robustTrainingRun(
  model: tf.LayersModel,
  x: tf.Tensor,
  labels: readonly number[],
  epsilon: number,
  steps: number,
  optimizer: tf.Optimizer,
  loss: (model: tf.LayersModel, x: tf.Tensor, labels: readonly number[], epsilon: number) => tf.Scalar,
): { first: number; last: number; tensorsBefore: number; tensorsAfter: number } {
  const step = (): number => {
    const value = optimizer.minimize(() => loss(model, x, labels, epsilon), true)!;
    const v = value.dataSync()[0]!;
    value.dispose();
    return v;
  };
  const first = step();
  const tensorsBefore = tf.memory().numTensors;
  let last = first;
  for (let i = 0; i < steps; i++) last = step();
  return { first, last, tensorsBefore, tensorsAfter: tf.memory().numTensors };
}
