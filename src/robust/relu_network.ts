/**
 * Reads a tfjs layers model as the chain the dual network needs: affine steps
 * (a `dense` layer's kernel and bias) and ReLU steps. Anything else is refused
 * with a typed error naming the layer, because a silently skipped layer would
 * make every bound wrong.
 */
import * as tf from '@tensorflow/tfjs';
import { UnsupportedError, ValueError } from '../../solvers/errors.js';

/** z ↦ z K + b with the layer's own variables (so autodiff reaches them). */
export interface AffineStep {
  readonly kind: 'affine';
  readonly layerName: string;
  /** [nIn, nOut], tfjs's `dense` kernel layout. */
  readonly kernel: tf.Tensor2D;
  /** [nOut], or null for `useBias: false`. */
  readonly bias: tf.Tensor1D | null;
}

/** z ↦ max(z, 0). */
export interface ReluStep {
  readonly kind: 'relu';
  readonly layerName: string;
}

/** One step of a network read for certification: an affine map or an elementwise ReLU. */
export type NetworkStep = AffineStep | ReluStep;

/** A feed-forward ReLU network: input (flattened) → affine / ReLU steps → logits (an affine step last). */
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
 * Extracts the affine / ReLU chain of `model`. Supported layers: `dense`
 * (activation 'linear' or 'relu'), `activation` ('relu' or 'linear'),
 * `reLU` (no maxValue), and `flatten` before the first dense layer.
 * Throws `UnsupportedError` naming the first other layer (conv2d,
 * batchNormalization, a sigmoid activation, ...), and if the model does not
 * end with an affine step (its logits).
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
  let flat = dims.length === 1;
  for (const layer of layers) {
    const className = layer.getClassName();
    if (className === 'Flatten') {
      if (steps.length > 0) throw new UnsupportedError(`flatten layer '${layer.name}' must come before the first dense layer`);
      flat = true;
    } else if (className === 'Dense') {
      if (!flat) throw new UnsupportedError(`dense layer '${layer.name}' acts on a rank-${dims.length} input [${dims.join(', ')}]; add a flatten layer first`);
      steps.push(...denseSteps(layer));
    } else if (className === 'ReLU') {
      steps.push(reluLayerStep(layer));
    } else if (className === 'Activation') {
      const relu = activationStep(layer.getConfig()['activation'], layer);
      if (relu) steps.push(relu);
    } else if (className === 'Conv2D') {
      throw new UnsupportedError(`layer '${layer.name}' is a conv2d layer; the dual network supports dense layers only (conv2d is not supported yet)`);
    } else {
      throw new UnsupportedError(`layer '${layer.name}' (${className}) is not supported by the dual network; supported: dense, relu / activation('relu'), flatten at the input`);
    }
  }
  const first = steps[0];
  const last = steps[steps.length - 1];
  if (first === undefined || first.kind !== 'affine') throw new UnsupportedError(`the model must start with a dense layer (found ${first ? `ReLU '${first.layerName}'` : 'no dense layer'})`);
  if (last!.kind !== 'affine') throw new UnsupportedError(`the model must end with a linear dense layer (its logits); it ends with ReLU '${last!.layerName}'`);
  return { inputShape: dims, inputSize, outputSize: last.kernel.shape[1], steps: mergeRelus(steps) };
}

/** ReLU is idempotent, so consecutive ReLU steps are one step. */
function mergeRelus(steps: NetworkStep[]): NetworkStep[] {
  return steps.filter((step, i) => !(step.kind === 'relu' && steps[i - 1]?.kind === 'relu'));
}
