/**
 * Reads a tfjs layers model as the chain the dual network needs: affine steps
 * (a `dense` layer's kernel and bias), convolution steps (a `conv2d` layer's
 * filter and bias: an affine map of the flattened image) and ReLU steps.
 * Anything else is refused with a typed error naming the layer and the
 * setting, because a silently skipped layer would make every bound wrong.
 */
import * as tf from '@tensorflow/tfjs';
import { UnsupportedError, ValueError } from '../../solvers/errors.js';
import { type ConvGeometry, convOutShape } from './conv_geometry.js';

/** z ↦ z K + b with the layer's own variables (so autodiff reaches them). */
export interface AffineStep {
  readonly kind: 'affine';
  readonly layerName: string;
  /** [nIn, nOut], tfjs's `dense` kernel layout. */
  readonly kernel: tf.Tensor2D;
  /** [nOut], or null for `useBias: false`. */
  readonly bias: tf.Tensor1D | null;
}

/**
 * z ↦ conv2d(z, filter) + b on the [H, W, C] image, channels last, dilation
 * 1: as an affine map of the row-major flattened image it is z ↦ z K + b
 * with K the (sparse, weight-shared) matrix of `convMatrixF64`.
 */
export interface ConvStep {
  readonly kind: 'conv';
  readonly layerName: string;
  /** [kh, kw, C, filters], tfjs's conv2d kernel layout. */
  readonly filter: tf.Tensor4D;
  /** [filters], or null for `useBias: false`. */
  readonly bias: tf.Tensor1D | null;
  readonly geometry: ConvGeometry;
}

/** An affine step of either layout. */
export type LinearStep = AffineStep | ConvStep;

/** z ↦ max(z, 0). */
export interface ReluStep {
  readonly kind: 'relu';
  readonly layerName: string;
}

/** One step of a network read for certification: an affine map (dense or conv) or an elementwise ReLU. */
export type NetworkStep = AffineStep | ConvStep | ReluStep;

/** Width of a linear step's input and output (the flattened sizes). */
export function stepSizes(step: LinearStep): { nIn: number; nOut: number } {
  if (step.kind === 'affine') return { nIn: step.kernel.shape[0], nOut: step.kernel.shape[1] };
  const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
  return { nIn: size(step.geometry.inShape), nOut: size(step.geometry.outShape) };
}

/** A feed-forward ReLU network: input (flattened) → affine / conv / ReLU steps → logits (a dense affine step last). */
export interface ReluNetwork {
  /** The model's input shape without the batch axis, e.g. [784] or [28, 28, 1]. */
  readonly inputShape: readonly number[];
  /** Product of `inputShape`: the input is flattened row-major before the first affine step. */
  readonly inputSize: number;
  /** Width of the last affine step: the number of classes. */
  readonly outputSize: number;
  readonly steps: readonly NetworkStep[];
}

function activationStep(activation: unknown, layer: tf.layers.Layer): ReluStep | null {
  if (activation === 'linear' || activation === undefined || activation === null) return null;
  if (activation === 'relu') return { kind: 'relu', layerName: layer.name };
  throw new UnsupportedError(
    `layer '${layer.name}' (${layer.getClassName()}) has activation '${String(activation)}'; the dual network supports only 'relu' and 'linear' ` +
      `(certify the logits: give the last layer a linear activation and apply softmax in the loss)`,
  );
}

function denseSteps(layer: tf.layers.Layer): NetworkStep[] {
  const config = layer.getConfig();
  const weights = layer.getWeights();
  const kernel = weights[0];
  if (kernel === undefined || kernel.rank !== 2) throw new ValueError(`dense layer '${layer.name}' has no built rank-2 kernel; build the model first`);
  const bias = config['useBias'] === false ? null : (weights[1] as tf.Tensor1D | undefined) ?? null;
  const steps: NetworkStep[] = [{ kind: 'affine', layerName: layer.name, kernel: kernel as tf.Tensor2D, bias }];
  const relu = activationStep(config['activation'], layer);
  if (relu) steps.push(relu);
  return steps;
}

/** A `[a, b]` pair from a conv config entry that may be a number or an array. */
function pair(value: unknown): [number, number] {
  const v = Array.isArray(value) ? value : [value, value];
  return [Number(v[0]), Number(v[v.length > 1 ? 1 : 0])];
}

function convSteps(layer: tf.layers.Layer, shape: readonly number[]): NetworkStep[] {
  const config = layer.getConfig();
  const where = `conv2d layer '${layer.name}'`;
  if (config['dataFormat'] !== undefined && config['dataFormat'] !== 'channelsLast') {
    throw new UnsupportedError(`${where} has dataFormat '${String(config['dataFormat'])}'; only dataFormat 'channelsLast' is supported`);
  }
  const dilation = pair(config['dilationRate'] ?? 1);
  if (dilation[0] !== 1 || dilation[1] !== 1) throw new UnsupportedError(`${where} has dilationRate [${dilation.join(', ')}]; only dilationRate 1 is supported`);
  const padding = config['padding'];
  if (padding !== 'valid' && padding !== 'same') throw new UnsupportedError(`${where} has padding '${String(padding)}'; only 'valid' and 'same' are supported`);
  if (shape.length !== 3) throw new UnsupportedError(`${where} acts on a rank-${shape.length} input [${shape.join(', ')}]; it must act on an [H, W, C] image (no flatten or dense layer before it)`);
  const weights = layer.getWeights();
  const filter = weights[0];
  if (filter === undefined || filter.rank !== 4) throw new ValueError(`${where} has no built rank-4 kernel; build the model first`);
  const [kh, kw, channels, filters] = filter.shape as [number, number, number, number];
  const inShape = shape as [number, number, number];
  if (channels !== inShape[2]) throw new ValueError(`${where} kernel expects ${channels} input channels, its input has ${inShape[2]}`);
  const strides = pair(config['strides'] ?? 1);
  const outShape = convOutShape(inShape, [kh, kw], strides, padding, filters);
  const declared = layer.outputShape as (number | null)[];
  if (declared.slice(1).some((d, i) => d !== outShape[i])) {
    throw new ValueError(`${where}: computed output shape [${outShape.join(', ')}] differs from the layer's [${declared.slice(1).join(', ')}]`);
  }
  const bias = config['useBias'] === false ? null : (weights[1] as tf.Tensor1D | undefined) ?? null;
  const geometry: ConvGeometry = { inShape, outShape, kernelSize: [kh, kw], strides, padding };
  const steps: NetworkStep[] = [{ kind: 'conv', layerName: layer.name, filter: filter as tf.Tensor4D, bias, geometry }];
  const relu = activationStep(config['activation'], layer);
  if (relu) steps.push(relu);
  return steps;
}

/** Layers that look like they could be certified but are not (yet): each with the reason. */
const REFUSED_LAYERS: Readonly<Record<string, string>> = {
  DepthwiseConv2D: 'a depthwise convolution (use conv2d)',
  SeparableConv2D: 'a separable convolution (use conv2d)',
  Conv2DTranspose: 'a transposed convolution (use conv2d)',
  MaxPooling2D: 'a pooling layer (use a strided conv2d instead)',
  AveragePooling2D: 'a pooling layer (use a strided conv2d instead)',
  GlobalMaxPooling2D: 'a pooling layer (use a strided conv2d instead)',
  GlobalAveragePooling2D: 'a pooling layer (use a strided conv2d instead)',
};

function reluLayerStep(layer: tf.layers.Layer): ReluStep {
  const config = layer.getConfig();
  const maxValue = config['maxValue'];
  if (maxValue !== undefined && maxValue !== null) {
    throw new UnsupportedError(`ReLU layer '${layer.name}' has maxValue ${String(maxValue)} (a clipped ReLU); only the plain ReLU is supported`);
  }
  return { kind: 'relu', layerName: layer.name };
}

/** Checks that each layer's only input is the previous layer's output (a chain, as in `tf.sequential`). */
function checkChain(layers: readonly tf.layers.Layer[]): void {
  for (let i = 1; i < layers.length; i++) {
    const nodes = layers[i]!.inboundNodes;
    const inbound = nodes.length === 1 ? nodes[0]!.inboundLayers : [];
    if (inbound.length !== 1 || inbound[0] !== layers[i - 1]) {
      throw new UnsupportedError(`layer '${layers[i]!.name}' is not fed by exactly the previous layer '${layers[i - 1]!.name}'; only chain (sequential) models are supported`);
    }
  }
}

/**
 * Extracts the affine / conv / ReLU chain of `model`. Supported layers:
 * - `conv2d` on an [H, W, C] input: any kernel size and strides, padding
 *   'valid' or 'same', with or without bias, activation 'linear' or 'relu',
 *   dataFormat 'channelsLast', dilationRate 1;
 * - `flatten` after the convs (or at the input), before the first dense layer;
 * - `dense` (activation 'linear' or 'relu') on a flat input;
 * - `activation` ('relu' or 'linear') and `reLU` (no maxValue) anywhere.
 * Throws `UnsupportedError` naming the first other layer or setting
 * (dilation, channelsFirst, depthwise / separable conv, pooling,
 * batchNormalization, a sigmoid activation, ...), and if the model does not
 * end with a dense affine step (its logits).
 */
export function readReluNetwork(model: tf.LayersModel): ReluNetwork {
  if (!(model instanceof tf.LayersModel)) throw new ValueError(`model must be a tf.LayersModel (e.g. tf.sequential), got ${typeof model}`);
  if (model.inputs.length !== 1 || model.outputs.length !== 1) throw new UnsupportedError(`model must have one input and one output, got ${model.inputs.length} and ${model.outputs.length}`);
  const inputShape = model.inputs[0]!.shape.slice(1);
  if (inputShape.some((d) => d === null || d < 1)) throw new ValueError(`model input shape [${inputShape.join(', ')}] must be fully known`);
  const dims = inputShape as number[];
  const inputSize = dims.reduce((a, b) => a * b, 1);
  const layers = model.layers.filter((layer) => layer.getClassName() !== 'InputLayer');
  checkChain(layers);
  const steps: NetworkStep[] = [];
  // The current activation's shape: the input's, a conv's output, or [n] once flat.
  let shape: readonly number[] = dims;
  for (const layer of layers) {
    const className = layer.getClassName();
    if (className === 'Flatten') {
      if (steps.some((step) => step.kind === 'affine')) throw new UnsupportedError(`flatten layer '${layer.name}' must come before the first dense layer`);
      shape = [shape.reduce((a, b) => a * b, 1)];
    } else if (className === 'Dense') {
      if (shape.length !== 1) throw new UnsupportedError(`dense layer '${layer.name}' acts on a rank-${shape.length} input [${shape.join(', ')}]; add a flatten layer first`);
      const added = denseSteps(layer);
      steps.push(...added);
      shape = [(added[0] as AffineStep).kernel.shape[1]];
    } else if (className === 'Conv2D') {
      const added = convSteps(layer, shape);
      steps.push(...added);
      shape = (added[0] as ConvStep).geometry.outShape;
    } else if (className === 'ReLU') {
      steps.push(reluLayerStep(layer));
    } else if (className === 'Activation') {
      const relu = activationStep(layer.getConfig()['activation'], layer);
      if (relu) steps.push(relu);
    } else if (REFUSED_LAYERS[className] !== undefined) {
      throw new UnsupportedError(`layer '${layer.name}' (${className}) is not supported by the dual network: ${REFUSED_LAYERS[className]}`);
    } else {
      throw new UnsupportedError(`layer '${layer.name}' (${className}) is not supported by the dual network; supported: conv2d, flatten, dense, relu / activation('relu')`);
    }
  }
  const first = steps[0];
  const last = steps[steps.length - 1];
  if (first === undefined || first.kind === 'relu') throw new UnsupportedError(`the model must start with a dense or conv2d layer (found ${first ? `ReLU '${first.layerName}'` : 'no dense layer'})`);
  if (last!.kind !== 'affine') throw new UnsupportedError(`the model must end with a linear dense layer (its logits); it ends with ${last!.kind === 'relu' ? 'ReLU' : 'conv2d'} '${last!.layerName}'`);
  return { inputShape: dims, inputSize, outputSize: last.kernel.shape[1], steps: mergeRelus(steps) };
}

/** ReLU is idempotent, so consecutive ReLU steps are one step. */
function mergeRelus(steps: NetworkStep[]): NetworkStep[] {
  return steps.filter((step, i) => !(step.kind === 'relu' && steps[i - 1]?.kind === 'relu'));
}
