// The README's quick start: a DSL problem as a differentiable TensorFlow.js layer.
import * as tf from '@tensorflow/tfjs';
import { ConvexLayer, init } from 'optlayers';
import { Problem, minimize, norm1, parameter, sumSquares, variable } from 'optlayers/dsl';

await init(); // picks the tfjs backend (tfjs-node if installed, else wasm) and loads the solvers

// A nonnegative, l1-regularized least-squares fit; A and b are parameters.
const A = parameter([6, 3], { name: 'A' });
const b = parameter(6, { name: 'b' });
const x = variable(3, 'x');
const problem = new Problem(minimize(sumSquares(A.matmul(x).sub(b)).add(norm1(x).mul(0.1))), [x.ge(0)]);
const layer = new ConvexLayer(problem, { parameters: [A, b], variables: [x] });

const aTensor = tf.randomNormal([6, 3], 0, 1, 'float32', 1);
const bBatch = tf.randomNormal([4, 6], 0, 1, 'float32', 2); // a batch of 4 right-hand sides; A is shared
const [xStar] = layer.apply([aTensor, bBatch]);
xStar!.print(); // 4 x 3 solutions

// Gradients flow from the solution back to the parameters (summed over the batch for the shared A).
const dA = tf.grad((a: tf.Tensor) => layer.apply([a, bBatch])[0]!.sum())(aTensor);
dA.print();
