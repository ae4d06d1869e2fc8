/**
 * conv2d and its transpose (the adjoint) with gradients written out, so the
 * dual network can be trained through a conv layer on every backend: tfjs's
 * own gradient w.r.t. the filter needs the Conv2DBackpropFilter kernel,
 * which the wasm backend does not have.
 *
 * For y = conv(x, W) (cross-correlation, stride s, leading padding (t, l)):
 *     y[n,i,j,f] = Σ_{p,q,c} x_pad[n, i·s+p, j·s+q, c] W[p,q,c,f],
 * so ∂/∂x is the transpose conv of dy (tfjs's Conv2DBackpropInput) and
 *     ∂/∂W[p,q,c,f] = Σ_{n,i,j} x_pad[n, i·s+p, j·s+q, c] dy[n,i,j,f],
 * a convolution of x with dy (see `filterGradient`). The transpose
 * x' = convᵀ(y, W) is bilinear in the same way: ∂/∂y = conv(g, W), and
 * ∂/∂W is the same tap sum with x_pad = g_pad.
 */
import * as tf from '@tensorflow/tfjs';
import { type ConvGeometry, convAxis } from './conv_geometry.js';

/**
 * ∂⟨dy, conv(x, W)⟩/∂W: [kh, kw, C, F] from x [N, H, W, C] and dy [N, H', W', F].
 * The tap sum is itself a convolution with the roles swapped: channels C
 * become the batch, the examples N the channels, dy the filter (H' × W')
 * and the stride s its dilation — one conv2d instead of kh·kw products.
 */
function filterGradient(x: tf.Tensor4D, dy: tf.Tensor4D, geometry: ConvGeometry): tf.Tensor4D {
  return tf.tidy(() => {
    const [h, w, c] = geometry.inShape;
    const [oh, ow] = geometry.outShape;
    const [kh, kw] = geometry.kernelSize;
    const [sh, sw] = geometry.strides;
    const n = x.shape[0];
    const top = convAxis(h, kh, sh, geometry.padding).padBefore;
    const left = convAxis(w, kw, sw, geometry.padding).padBefore;
    // Exactly the rows / columns the taps read: zero padding before and after, cropped when 'valid' leaves some unused.
    const rows = (oh - 1) * sh + kh;
    const cols = (ow - 1) * sw + kw;
    let padded = tf.pad(x, [[0, 0], [top, Math.max(rows - h - top, 0)], [left, Math.max(cols - w - left, 0)], [0, 0]]);
    if (padded.shape[1] !== rows || padded.shape[2] !== cols) padded = tf.slice(padded, [0, 0, 0, 0], [n, rows, cols, c]);
    const channelsAsBatch = tf.transpose(padded, [3, 1, 2, 0]) as tf.Tensor4D;
    const dyAsFilter = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D;
    const grad = tf.conv2d(channelsAsBatch, dyAsFilter, 1, 'valid', 'NHWC', [sh, sw]);
    return tf.transpose(grad, [1, 2, 0, 3]) as tf.Tensor4D;
  });
}

function inputShape4(n: number, geometry: ConvGeometry): [number, number, number, number] {
  return [n, geometry.inShape[0], geometry.inShape[1], geometry.inShape[2]];
}

/** conv(x, W) for x [N, H, W, C]: [N, H', W', F], differentiable in x and W on every backend. */
export function conv2dOp(x: tf.Tensor4D, filter: tf.Tensor4D, geometry: ConvGeometry): tf.Tensor4D {
  const strides: [number, number] = [geometry.strides[0], geometry.strides[1]];
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xIn, wIn] = args as tf.Tensor4D[];
    const save = args[args.length - 1] as tf.GradSaveFunc;
    save([xIn!, wIn!]);
    return {
      value: tf.conv2d(xIn!, wIn!, strides, geometry.padding),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [xS, wS] = saved as tf.Tensor4D[];
        const g = dy as tf.Tensor4D;
        return [tf.conv2dTranspose(g, wS!, inputShape4(xS!.shape[0], geometry), strides, geometry.padding), filterGradient(xS!, g, geometry)];
      },
    };
  });
  return op(x, filter) as tf.Tensor4D;
}

/** convᵀ(y, W) for y [N, H', W', F]: [N, H, W, C], the adjoint of `conv2dOp` in x, differentiable in y and W. */
export function conv2dTransposeOp(y: tf.Tensor4D, filter: tf.Tensor4D, geometry: ConvGeometry): tf.Tensor4D {
  const strides: [number, number] = [geometry.strides[0], geometry.strides[1]];
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [yIn, wIn] = args as tf.Tensor4D[];
    const save = args[args.length - 1] as tf.GradSaveFunc;
    save([yIn!, wIn!]);
    return {
      value: tf.conv2dTranspose(yIn!, wIn!, inputShape4(yIn!.shape[0], geometry), strides, geometry.padding),
      gradFunc: (dx: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [yS, wS] = saved as tf.Tensor4D[];
        const g = dx as tf.Tensor4D;
        // ⟨g, convᵀ(y, W)⟩ = ⟨conv(g, W), y⟩: the filter gradient is the tap sum with g in the input's place.
        return [tf.conv2d(g, wS!, strides, geometry.padding), filterGradient(g, yS!, geometry)];
      },
    };
  });
  return op(y, filter) as tf.Tensor4D;
}
