import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Problem, minimize, parameter, sumSquares, variable } from '../../dsl/index.js';
import { OptlayersError, ShapeError, ValueError } from '../../solvers/errors.js';
import { init } from '../../src/init.js';
import { selectBackend } from '../../src/backend.js';
import { ConvexLayer, convexProgramLayer, registerProblem } from '../../src/convex/index.js';
import { optNetLayer, qp } from '../../src/qp/index.js';
import { deq, deqLayer, solveFixedPoint } from '../../src/deq/index.js';
import { monDeq, monDeqLayer } from '../../src/mondeq/index.js';
import { icnn, picnn } from '../../src/icnn/index.js';
import { lyapunovFunction, stableDynamics } from '../../src/stable/index.js';

type ErrorClass = typeof ShapeError | typeof ValueError;

function box(): { problem: Problem; a: ReturnType<typeof parameter>; x: ReturnType<typeof variable> } {
  const x = variable(2, { name: 'x' });
  const a = parameter(2, { name: 'a' });
  return { problem: new Problem(minimize(sumSquares(x.sub(a))), [x.ge(0)]), a, x };
}

beforeAll(async () => {
  await init();
  registerProblem('typedErrorsBox', () => box().problem);
});

/** A built layer (applied once to a valid input). */
function built<L extends tf.layers.Layer>(layer: L, ...inputs: tf.Tensor[]): L {
  tf.tidy(() => {
    layer.apply(inputs.length === 1 ? inputs[0]! : inputs);
  });
  return layer;
}

const ones = (...shape: number[]) => tf.ones(shape);
const nan = (...shape: number[]) => tf.fill(shape, NaN);
const ints = (...shape: number[]) => tf.ones(shape, 'int32');

/** [what, call, expected class, message must mention] */
const CASES: [string, () => unknown, ErrorClass, RegExp][] = [
  // ConvexLayer
  ['ConvexLayer unknown option', () => { const b = box(); return new ConvexLayer(b.problem, { parameters: [b.a], variables: [b.x], tolerance: 1 } as never); }, ValueError, /tolerance/],
  ['ConvexLayer wrong arity', () => { const b = box(); return new ConvexLayer(b.problem, { parameters: [b.a], variables: [b.x] }).apply([ones(2), ones(2)]); }, ShapeError, /expects 1/],
  ['ConvexLayer wrong shape', () => { const b = box(); return new ConvexLayer(b.problem, { parameters: [b.a], variables: [b.x] }).apply([ones(3)]); }, ShapeError, /'a'/],
  ['ConvexLayer NaN', () => { const b = box(); return new ConvexLayer(b.problem, { parameters: [b.a], variables: [b.x] }).apply([nan(2)]); }, ValueError, /'a'.*non-finite/],
  ['ConvexLayer int32', () => { const b = box(); return new ConvexLayer(b.problem, { parameters: [b.a], variables: [b.x] }).apply([ints(2)]); }, ValueError, /'a'.*float32/],
  ['ConvexLayer not a tensor', () => { const b = box(); return new ConvexLayer(b.problem, { parameters: [b.a], variables: [b.x] }).apply([[1, 2] as never]); }, ValueError, /'a'.*tf.Tensor/],
  ['ConvexLayer bad policy', () => { const b = box(); return new ConvexLayer(b.problem, { parameters: [b.a], variables: [b.x], onSolverFailure: 'ignore' as never }); }, ValueError, /onSolverFailure/],
  ['ConvexLayer acceptInaccurate not boolean', () => { const b = box(); return new ConvexLayer(b.problem, { parameters: [b.a], variables: [b.x], acceptInaccurate: 'yes' as never }); }, ValueError, /acceptInaccurate/],
  // ConvexProgramLayer
  ['convexProgramLayer unknown key', () => convexProgramLayer({ problem: 'typedErrorsBox', inputParameters: ['a'], outputVariables: ['x'], solver: 'qp' } as never), ValueError, /solver/],
  ['convexProgramLayer bad name', () => convexProgramLayer({ problem: 'typedErrorsBox', inputParameters: [3 as never], outputVariables: ['x'] }), ValueError, /inputParameters\[0\]/],
  ['convexProgramLayer wrong input width', () => built(convexProgramLayer({ problem: 'typedErrorsBox', inputParameters: ['a'], outputVariables: ['x'] }), ones(1, 2)).apply(ones(1, 3)), ShapeError, /'a'/],
  ['registerProblem empty name', () => registerProblem('', () => box().problem), ValueError, /name/],
  // qp / OptNet
  ['qp not a tensor', () => qp([[1]] as never, tf.ones([1])), ShapeError, /argument Q/],
  ['qp wrong shape', () => qp(ones(2, 3), ones(2)), ShapeError, /argument Q/],
  ['qp NaN', () => qp(tf.eye(2), nan(2)), ValueError, /argument p/],
  ['qp int32', () => qp(tf.eye(2), ints(2)), ValueError, /argument p.*float32/],
  ['qp unknown option', () => qp(tf.eye(2), ones(2), null, null, null, null, { maxIter: 3 } as never), ValueError, /maxIter/],
  ['optNetLayer one tensor for two inputs (issue repro)', () => optNetLayer({ nVariables: 2, inputs: ['Q', 'p'] }).apply(tf.ones([1, 2])), ShapeError, /expects 2 input/],
  ['optNetLayer unknown key', () => optNetLayer({ nVariables: 2, nInequalities: 2 } as never), ValueError, /nInequalities/],
  ['optNetLayer wrong input shape after build', () => built(optNetLayer({ nVariables: 2 }), ones(1, 2)).apply(ones(1, 3)), ShapeError, /input p/],
  ['optNetLayer bad nVariables', () => optNetLayer({ nVariables: 0 }), ValueError, /nVariables/],
  // DEQ
  ['deq rank', () => deq((z) => z, ones(2) as tf.Tensor2D), ShapeError, /x/],
  ['deq NaN row', () => deq((z) => z, tf.tensor2d([[1], [NaN]])), ValueError, /row 1/],
  ['deq bad cell', () => deq(42 as never, ones(1, 2) as tf.Tensor2D), ValueError, /cell/],
  ['deq unknown option', () => deq((z) => z, ones(1, 2) as tf.Tensor2D, { forwardd: {} } as never), ValueError, /forwardd/],
  ['solveFixedPoint unknown option', () => solveFixedPoint((z) => z, ones(1, 2) as tf.Tensor2D, { tol: 1 } as never), ValueError, /tol/],
  ['deqLayer unknown key', () => deqLayer({ units: 2, maxIters: 3 } as never), ValueError, /maxIters/],
  ['deqLayer bad units', () => deqLayer({ units: 1.5 }), ValueError, /units/],
  ['deqLayer new width after build', () => built(deqLayer({ units: 2 }), ones(1, 3)).apply(ones(1, 4)), ShapeError, /width 3/],
  ['deqLayer int32', () => built(deqLayer({ units: 2 }), ones(1, 3)).apply(ints(1, 3)), ValueError, /float32/],
  ['deqLayer bad policy', () => deqLayer({ units: 2, onSolverFailure: 'retry' as never }), ValueError, /onSolverFailure/],
  ['deqLayer bad backward key', () => deqLayer({ units: 2, backward: { steps: 3 } as never }), ValueError, /steps/],
  // monDEQ
  ['monDeq NaN row', () => monDeq(tf.tensor2d([[0, 0], [0, NaN]]), { U: ones(2, 2) as tf.Tensor2D, b: ones(2) as tf.Tensor1D, A: ones(2, 2) as tf.Tensor2D, B: ones(2, 2) as tf.Tensor2D }, 0.5), ValueError, /row 1/],
  ['monDeq weights not tensors', () => monDeq(ones(1, 2) as tf.Tensor2D, { U: [[1]] } as never, 0.5), ValueError, /weights.U/],
  ['monDeqLayer unknown key', () => monDeqLayer({ units: 2, m: 0.5 } as never), ValueError, /'m'/],
  ['monDeqLayer bad monotonicity', () => monDeqLayer({ units: 2, monotonicity: 2 }), ValueError, /monotonicity/],
  ['monDeqLayer new width after build', () => built(monDeqLayer({ units: 2 }), ones(1, 3)).apply(ones(1, 2)), ShapeError, /width 3/],
  // ICNN / PICNN / stable
  ['icnn unknown key', () => icnn({ hidden: [2] } as never), ValueError, /hidden/],
  ['icnn new width after build', () => built(icnn({ hiddenUnits: [2] }), ones(1, 3)).apply(ones(1, 2)), ShapeError, /width 3/],
  ['picnn one input', () => built(picnn({ hiddenUnits: [2] }), ones(1, 2), ones(1, 3)).apply(ones(1, 2)), ShapeError, /\[x, y\]/],
  ['picnn batch mismatch', () => built(picnn({ hiddenUnits: [2] }), ones(1, 2), ones(1, 3)).apply([ones(2, 2), ones(3, 3)]), ShapeError, /batch size/],
  ['lyapunovFunction unknown key', () => lyapunovFunction({ epsilon: 1 } as never), ValueError, /epsilon/],
  ['lyapunovFunction int32', () => built(lyapunovFunction({ hiddenUnits: [2] }), ones(1, 2)).apply(ints(1, 2)), ValueError, /float32/],
  ['stableDynamics unknown lyapunovArgs key', () => stableDynamics({ lyapunovArgs: { width: 2 } as never }), ValueError, /width/],
  ['stableDynamics new width after build', () => built(stableDynamics({ nominalUnits: [2], lyapunovArgs: { hiddenUnits: [2] } }), ones(1, 2)).apply(ones(1, 3)), ShapeError, /width 2|\[batch, 2\]/],
  // backend
  ['selectBackend unknown', () => selectBackend('gpu' as never), ValueError, /gpu/],
  ['init unknown option', () => init({ backends: 'cpu' } as never), ValueError, /backends/],
];

describe('every public entry of src/ throws a typed error naming the culprit', () => {
  for (const [what, call, cls, message] of CASES) {
    it(what, async () => {
      let caught: unknown;
      try {
        const r = call();
        if (r instanceof Promise) await r;
      } catch (err) {
        caught = err;
      }
      expect(caught, 'no error thrown').toBeInstanceOf(OptlayersError);
      expect(caught).toBeInstanceOf(cls);
      expect((caught as Error).message).toMatch(message);
    });
  }
});
