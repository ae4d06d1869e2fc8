import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/backend.js';
import { ShapeError, UnsupportedError, ValueError } from '../../../solvers/errors.js';
import { certify, pgdAttack, robustLoss } from '../../../src/robust/index.js';
import { randomReluModel } from './random_networks.js';

beforeAll(async () => {
  await selectBackend();
});

function chain(...layers: tf.layers.Layer[]): tf.Sequential {
  const model = tf.sequential();
  layers.forEach((layer) => model.add(layer));
  return model;
}

describe('robust: typed errors name the culprit', () => {
  const x3 = () => tf.zeros([2, 3]);

  it('unsupported layers throw UnsupportedError naming the layer', () => {
    const cases: [tf.Sequential, RegExp][] = [
      [chain(tf.layers.dense({ inputShape: [3], units: 4, name: 'bn_in' }), tf.layers.batchNormalization({ name: 'my_bn' }), tf.layers.dense({ units: 2 })), /my_bn.*BatchNormalization/],
      [chain(tf.layers.dense({ inputShape: [3], units: 4, activation: 'sigmoid', name: 'sig_dense' }), tf.layers.dense({ units: 2 })), /sig_dense.*sigmoid/],
      [chain(tf.layers.dense({ inputShape: [3], units: 4 }), tf.layers.activation({ activation: 'tanh', name: 'tanh_act' }), tf.layers.dense({ units: 2 })), /tanh_act.*tanh/],
      [chain(tf.layers.dense({ inputShape: [3], units: 4 }), tf.layers.reLU({ maxValue: 6, name: 'relu6' }), tf.layers.dense({ units: 2 })), /relu6.*maxValue/],
      [chain(tf.layers.dense({ inputShape: [3], units: 4, activation: 'relu' }), tf.layers.dense({ units: 2, activation: 'softmax', name: 'probs' })), /probs.*softmax.*linear/],
      [chain(tf.layers.dense({ inputShape: [3], units: 4 }), tf.layers.dense({ units: 2, activation: 'relu', name: 'last' })), /ends with ReLU 'last'/],
    ];
    for (const [model, message] of cases) {
      expect(() => certify(model, x3(), 0.1)).toThrow(UnsupportedError);
      expect(() => certify(model, x3(), 0.1)).toThrow(message);
      expect(() => robustLoss(model, x3(), [0, 1], 0.1)).toThrow(UnsupportedError);
    }
  });

  it('unsupported conv configurations and pooling throw UnsupportedError naming the layer and the setting; a dense layer on an image without flatten too', () => {
    const img = () => tf.zeros([1, 6, 6, 2]);
    const head = () => [tf.layers.flatten(), tf.layers.dense({ units: 2 })];
    const cases: [tf.Sequential, RegExp][] = [
      [chain(tf.layers.conv2d({ inputShape: [6, 6, 2], filters: 2, kernelSize: 3, dilationRate: 2, name: 'dil_conv' }), ...head()), /dil_conv.*dilationRate \[2, 2\]/],
      [chain(tf.layers.conv2d({ inputShape: [6, 6, 2], filters: 2, kernelSize: 3, dataFormat: 'channelsFirst', name: 'cf_conv' }), ...head()), /cf_conv.*dataFormat 'channelsFirst'/],
      [chain(tf.layers.depthwiseConv2d({ inputShape: [6, 6, 2], kernelSize: 3, name: 'dw_conv' }), ...head()), /dw_conv.*DepthwiseConv2D.*depthwise/],
      [chain(tf.layers.separableConv2d({ inputShape: [6, 6, 2], filters: 2, kernelSize: 3, name: 'sep_conv' }), ...head()), /sep_conv.*SeparableConv2D.*separable/],
      [chain(tf.layers.conv2d({ inputShape: [6, 6, 2], filters: 2, kernelSize: 3 }), tf.layers.maxPooling2d({ poolSize: 2, name: 'max_pool' }), ...head()), /max_pool.*MaxPooling2D.*pooling/],
      [chain(tf.layers.averagePooling2d({ inputShape: [6, 6, 2], poolSize: 2, name: 'avg_pool' }), ...head()), /avg_pool.*AveragePooling2D.*pooling/],
      [chain(tf.layers.conv2d({ inputShape: [6, 6, 2], filters: 2, kernelSize: 3, activation: 'tanh', name: 'tanh_conv' }), ...head()), /tanh_conv.*tanh/],
      [chain(tf.layers.conv2d({ inputShape: [6, 6, 2], filters: 2, kernelSize: 3, name: 'last_conv' }), tf.layers.flatten()), /ends with conv2d 'last_conv'/],
      [chain(tf.layers.flatten({ inputShape: [6, 6, 2] }), tf.layers.reshape({ targetShape: [6, 6, 2] }), tf.layers.conv2d({ filters: 2, kernelSize: 3 }), ...head()), /Reshape/],
    ];
    for (const [model, message] of cases) {
      expect(() => certify(model, img(), 0.1)).toThrow(UnsupportedError);
      expect(() => certify(model, img(), 0.1)).toThrow(message);
      expect(() => robustLoss(model, img(), [0], 0.1)).toThrow(UnsupportedError);
    }
    const noFlatten = chain(tf.layers.dense({ inputShape: [4, 4], units: 2, name: 'd_img' }));
    expect(() => certify(noFlatten, tf.zeros([1, 4, 4]), 0.1)).toThrow(/d_img.*flatten/);
  });

  it('flatten at the input and separate relu layers are supported and agree with dense(activation relu)', () => {
    const fused = randomReluModel([4, 5, 3], 51);
    const split = chain(tf.layers.flatten({ inputShape: [2, 2] }), tf.layers.dense({ units: 5 }), tf.layers.reLU(), tf.layers.activation({ activation: 'relu' }), tf.layers.dense({ units: 3 }));
    split.setWeights(fused.getWeights());
    const x = tf.tensor2d([[0.1, 0.4, 0.3, 0.8]]);
    const a = certify(fused, x, 0.2, { labels: [1] });
    const b = certify(split, tf.reshape(x, [1, 2, 2]), 0.2, { labels: [1] });
    a.marginLower[0]!.forEach((m, j) => expect(b.marginLower[0]![j]).toBeCloseTo(m, 12));
  });

  it('bad epsilon, shapes, labels and options throw ValueError / ShapeError', () => {
    const model = randomReluModel([3, 4, 2], 52);
    for (const eps of [-0.1, Number.NaN, Number.POSITIVE_INFINITY, '0.1' as unknown as number]) {
      expect(() => certify(model, x3(), eps)).toThrow(ValueError);
      expect(() => robustLoss(model, x3(), [0, 1], eps)).toThrow(/epsilon/);
      expect(() => pgdAttack(model, x3(), [0, 1], eps)).toThrow(ValueError);
    }
    expect(() => certify(model, tf.zeros([2, 4]), 0.1)).toThrow(ShapeError);
    expect(() => certify(model, tf.zeros([3]), 0.1)).toThrow(/shape \[B, 3\]/);
    expect(() => certify(model, tf.tensor2d([[0, Number.NaN, 0]]), 0.1)).toThrow(/non-finite/);
    expect(() => certify(model, x3(), 0.1, { labels: [0] })).toThrow(ShapeError);
    expect(() => certify(model, x3(), 0.1, { labels: [0, 2] })).toThrow(/labels\[1\] = 2/);
    expect(() => robustLoss(model, x3(), [0, 0.5], 0.1)).toThrow(ValueError);
    expect(() => certify(model, x3(), 0.1, { norm: 'l2' as 'linf' })).toThrow(/norm/);
    expect(() => certify(model, x3(), 0.1, { inputBox: [1, 0] })).toThrow(/inputBox/);
    expect(() => certify(model, tf.fill([2, 3], 2), 0.1, { inputBox: [0, 1] })).toThrow(/outside inputBox/);
    expect(() => certify(model, x3(), 0.1, { epsilon: 3 } as never)).toThrow(/unknown certify options key 'epsilon'/);
    expect(() => certify(model, x3(), 0.1, { precision: 'float16' as 'float64' })).toThrow(/precision/);
    expect(() => pgdAttack(model, x3(), [0, 1], 0.1, { steps: 1.5 })).toThrow(/steps/);
    expect(() => pgdAttack(model, x3(), [0, 1], 0.1, { step: 3 } as never)).toThrow(/unknown pgdAttack options key/);
    expect(() => certify({} as tf.LayersModel, x3(), 0.1)).toThrow(ValueError);
  });
});
