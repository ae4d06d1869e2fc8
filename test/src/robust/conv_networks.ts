/**
 * Test helper: tiny conv ReLU networks with seeded weights, and the same
 * networks written as dense float64 layers. The dense matrix of a conv layer
 * is read off tf.conv2d applied to the basis images (column i of the matrix
 * is the layer's linear response to pixel i), an independent route from the
 * library's own unrolling loops; the forward pass of the dense layers is
 * checked against model.predict by the tests.
 */
import * as tf from '@tensorflow/tfjs';
import type { DenseF64 } from './lp_relaxation.js';

/** One conv layer of a test net: filters, square kernel, stride, padding, and activation. */
export interface ConvSpec {
  readonly filters: number;
  readonly kernel: number;
  readonly stride: number;
  readonly padding: 'valid' | 'same';
}

/** conv (relu) … → flatten → dense (relu) … → dense (linear logits). Weights N(0, 1.5²/fanIn), biases N(0, 0.5²). */
export function randomConvModel(inputShape: readonly [number, number, number], convs: readonly ConvSpec[], dense: readonly number[], seed: number): tf.Sequential {
  const model = tf.sequential();
  let fanIn = inputShape[2];
  convs.forEach((spec, i) => {
    model.add(
      tf.layers.conv2d({
        ...(i === 0 ? { inputShape: [...inputShape] } : {}),
        filters: spec.filters,
        kernelSize: spec.kernel,
        strides: spec.stride,
        padding: spec.padding,
        activation: 'relu',
        name: `conv${seed}_${i}`,
        kernelInitializer: tf.initializers.randomNormal({ seed: seed * 100 + i, stddev: 1.5 / Math.sqrt(spec.kernel * spec.kernel * fanIn) }),
        biasInitializer: tf.initializers.randomNormal({ seed: seed * 100 + 50 + i, stddev: 0.5 }),
      }),
    );
    fanIn = spec.filters;
  });
  model.add(tf.layers.flatten());
  dense.forEach((units, i) => {
    const inputs = model.outputs[0]!.shape[1] as number;
    model.add(
      tf.layers.dense({
        units,
        activation: i < dense.length - 1 ? 'relu' : 'linear',
        kernelInitializer: tf.initializers.randomNormal({ seed: seed * 100 + 20 + i, stddev: 1.5 / Math.sqrt(inputs) }),
        biasInitializer: tf.initializers.randomNormal({ seed: seed * 100 + 70 + i, stddev: 0.5 }),
      }),
    );
  });
  return model;
}

/** The linear part of conv layer `layer` as a [nIn][nOut] matrix: tf.conv2d of every basis image. */
export function convMatrixByBasis(layer: tf.layers.Layer, filter: tf.Tensor4D): number[][] {
  const inShape = (layer.inputSpec?.[0]?.shape ?? (layer.input as tf.SymbolicTensor).shape).slice(1) as number[];
  const config = layer.getConfig();
  const strides = config['strides'] as [number, number];
  const padding = config['padding'] as 'valid' | 'same';
  const nIn = inShape.reduce((a, b) => a * b, 1);
  return tf.tidy(() => {
    const basis = tf.reshape(tf.eye(nIn), [nIn, inShape[0]!, inShape[1]!, inShape[2]!]) as tf.Tensor4D;
    return tf.reshape(tf.conv2d(basis, filter, strides, padding), [nIn, -1]).arraySync() as number[][];
  });
}

/** Every conv / dense layer of `model` as a dense float64 layer (conv bias repeated per pixel, channels last). */
export function unrolledLayersF64(model: tf.LayersModel): DenseF64[] {
  const out: DenseF64[] = [];
  for (const layer of model.layers) {
    const className = layer.getClassName();
    if (className === 'Conv2D') {
      const [filter, bias] = layer.getWeights() as [tf.Tensor4D, tf.Tensor1D];
      const kernel = convMatrixByBasis(layer, filter);
      const b = bias.arraySync();
      out.push({ kernel, bias: kernel[0]!.map((_, k) => b[k % b.length]!) });
    } else if (className === 'Dense') {
      const [kernel, bias] = layer.getWeights();
      out.push({ kernel: kernel!.arraySync() as number[][], bias: bias!.arraySync() as number[] });
    }
  }
  return out;
}

/** A flat dense model (flatten → dense …) with the given float64 layers' weights rounded to float32: the conv net's twin. */
export function denseTwin(inputShape: readonly number[], layers: readonly DenseF64[]): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.flatten({ inputShape: [...inputShape] }));
  layers.forEach((layer, i) => {
    model.add(tf.layers.dense({ units: layer.bias.length, activation: i < layers.length - 1 ? 'relu' : 'linear' }));
  });
  const weights = layers.flatMap((layer) => [tf.tensor2d(layer.kernel), tf.tensor1d(layer.bias)]);
  model.setWeights(weights);
  tf.dispose(weights);
  return model;
}
