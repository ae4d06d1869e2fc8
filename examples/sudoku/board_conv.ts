import * as tf from '@tensorflow/tfjs';
import { registerLayer } from 'optlayers';

type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;

/** Constructor arguments of `BoardConv`. */
export interface BoardConvArgs extends LayerArgs {
  /** Output channels. */
  filters: number;
  /** Apply a ReLU after the convolution; default true. */
  relu?: boolean;
  /** Seed of the He-normal kernel initialisation; default random. */
  seed?: number;
}

/**
 * A 3x3, stride 1, zero-padded ("same") 2-D convolution with bias, written as
 * im2col + matrix product: the nine shifted views of the padded input are
 * concatenated along channels and multiplied by a [9 * inChannels, filters]
 * kernel. Mathematically the same as `tf.layers.conv2d({kernelSize: 3,
 * padding: 'same'})`, but differentiable on the wasm backend, which has no
 * Conv2DBackpropFilter kernel. Input and output are [batch, rows, cols, channels].
 */
export class BoardConv extends tf.layers.Layer {
  static className = 'BoardConv';
  private readonly filters: number;
  private readonly relu: boolean;
  private readonly seed: number | undefined;
  private kernel: ReturnType<tf.layers.Layer['addWeight']> | undefined;
  private bias: ReturnType<tf.layers.Layer['addWeight']> | undefined;

  constructor(args: BoardConvArgs) {
    super(args);
    if (!Number.isInteger(args.filters) || args.filters < 1) throw new RangeError(`BoardConv filters must be a positive integer, got ${args.filters}`);
    this.filters = args.filters;
    this.relu = args.relu ?? true;
    this.seed = args.seed ?? undefined;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = inputShape as tf.Shape;
    if (shape.length !== 4 || shape[3] == null) throw new RangeError(`BoardConv expects [batch, rows, cols, channels], got [${shape.join(', ')}]`);
    this.kernel = this.addWeight('kernel', [9 * shape[3], this.filters], 'float32', tf.initializers.heNormal({ seed: this.seed }));
    this.bias = this.addWeight('bias', [this.filters], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = inputShape as tf.Shape;
    return [shape[0]!, shape[1]!, shape[2]!, this.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0]! : inputs) as tf.Tensor4D;
      const [batch, rows, cols, channels] = x.shape;
      const padded = tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]]);
      const views: tf.Tensor4D[] = [];
      for (let dr = 0; dr < 3; dr++) for (let dc = 0; dc < 3; dc++) views.push(tf.slice(padded, [0, dr, dc, 0], [batch, rows, cols, channels]));
      const patches = tf.reshape(tf.concat(views, 3), [batch * rows * cols, 9 * channels]);
      const out = tf.add(tf.matMul(patches, this.kernel!.read()), this.bias!.read());
      const shaped = tf.reshape(out, [batch, rows, cols, this.filters]);
      return this.relu ? tf.relu(shaped) : shaped;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = { filters: this.filters, relu: this.relu };
    if (this.seed !== undefined) config['seed'] = this.seed;
    return { ...super.getConfig(), ...config };
  }
}

registerLayer(BoardConv);

/** Creates a `BoardConv` layer. */
export function boardConv(args: BoardConvArgs): BoardConv {
  return new BoardConv(args);
}
