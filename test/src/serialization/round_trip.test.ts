import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Problem, minimize, parameter, sumSquares, variable } from '../../../dsl/index.js';
import { init } from '../../../src/init.js';
import { convexProgramLayer, registerProblem } from '../../../src/convex/index.js';
import { optNetLayer } from '../../../src/qp/index.js';
import { deqLayer } from '../../../src/deq/index.js';
import { monDeqLayer } from '../../../src/mondeq/index.js';
import { icnn, picnn } from '../../../src/icnn/index.js';
import { lyapunovFunction, stableDynamics } from '../../../src/stable/index.js';

/**
 * Saves through the same path as `model.save(...)` to a file (the artifacts
 * pass through JSON text, as on disk) and loads with `tf.loadLayersModel`.
 */
async function saveAndLoad(model: tf.LayersModel): Promise<tf.LayersModel> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const topology = JSON.parse(JSON.stringify(saved!.modelTopology)) as object;
  return tf.loadLayersModel(tf.io.fromMemory({ ...saved!, modelTopology: topology }));
}

function outputsOf(model: tf.LayersModel, inputs: tf.Tensor | tf.Tensor[]): Float32Array[] {
  return tf.tidy(() => {
    const out = model.predict(inputs);
    return (Array.isArray(out) ? out : [out]).map((t) => t.dataSync() as Float32Array);
  });
}

async function expectSameAfterLoad(model: tf.LayersModel, inputs: tf.Tensor | tf.Tensor[]): Promise<void> {
  const before = outputsOf(model, inputs);
  const loaded = await saveAndLoad(model);
  const after = outputsOf(loaded, inputs);
  expect(after.length).toBe(before.length);
  before.forEach((b, i) => expect(Array.from(after[i]!)).toEqual(Array.from(b)));
}

/** Box projection with mixed-case, snake_case and one-letter parameter names (the names tfjs used to mangle). */
function mixedCaseProblem(): Problem {
  const xOut = variable(2, { name: 'xOut' });
  const A = parameter([2, 2], { name: 'A' });
  const W = parameter(2, { name: 'W' });
  const lower = parameter(2, { name: 'lower_bound' });
  return new Problem(minimize(sumSquares(A.matmul(xOut).sub(W))), [xOut.ge(lower)]);
}

beforeAll(async () => {
  await init();
  registerProblem('boxQP', mixedCaseProblem);
});

describe('every registered layer survives model.save / tf.loadLayersModel', () => {
  it('ConvexProgramLayer with parameters A, W, lower_bound, variable xOut and problem name boxQP', async () => {
    const model = tf.sequential();
    model.add(
      convexProgramLayer({
        problem: 'boxQP',
        inputShape: [2],
        inputParameters: ['W'],
        weightParameters: { A: { className: 'Identity', config: {} }, lower_bound: { className: 'Constant', config: { value: -0.25 } } },
        outputVariables: ['xOut'],
        solverOptions: { solver: 'qp', onSolverFailure: 'zero-gradient', maxIters: 40 },
      }),
    );
    await expectSameAfterLoad(model, tf.tensor2d([[1, -1], [0.5, 2]]));
  });

  it('OptNetLayer with inputs Q and p, fixed G and h', async () => {
    const Q = tf.input({ shape: [2, 2] });
    const p = tf.input({ shape: [2] });
    const layer = optNetLayer({ nVariables: 2, nIneq: 2, inputs: ['Q', 'p'], fixed: { G: [[-1, 0], [0, -1]], h: [0, 0] } });
    const model = tf.model({ inputs: [Q, p], outputs: layer.apply([Q, p]) as tf.SymbolicTensor });
    await expectSameAfterLoad(model, [tf.tensor3d([[[2, 0.5], [0.5, 1]]]), tf.tensor2d([[-1, 1]])]);
  });

  it('OptNetLayer with learned Q, G, h, A, b', async () => {
    const model = tf.sequential();
    model.add(optNetLayer({ nVariables: 3, nIneq: 2, nEq: 1, seed: 3, inputShape: [3], feasiblePoint: 'positive' }));
    await expectSameAfterLoad(model, tf.tensor2d([[0.1, -0.3, 0.2]]));
  });

  it('DEQLayer (fixed_point and broyden solvers, phantom backward)', async () => {
    for (const solver of ['fixed_point', 'broyden'] as const) {
      const model = tf.sequential();
      model.add(deqLayer({ units: 3, inputShape: [2], forward: { solver, maxIters: 30 }, backward: { mode: 'phantom' }, name: `deqLayer_${solver}` }));
      await expectSameAfterLoad(model, tf.tensor2d([[0.5, -1], [1, 0.25]]));
    }
  });

  it('MonDEQLayer (forward_backward and peaceman_rachford splittings)', async () => {
    for (const splitting of ['forward_backward', 'peaceman_rachford'] as const) {
      const model = tf.sequential();
      model.add(monDeqLayer({ units: 3, inputShape: [2], splitting, forward: { maxIters: 300 } }));
      await expectSameAfterLoad(model, tf.tensor2d([[0.5, -1], [1, 0.25]]));
    }
  });

  it('ICNN and PICNN', async () => {
    const a = tf.sequential();
    a.add(icnn({ hiddenUnits: [4, 4], inputShape: [2], seed: 1, activation: 'rehu' }));
    await expectSameAfterLoad(a, tf.tensor2d([[0.5, -1]]));
    const x = tf.input({ shape: [2] });
    const y = tf.input({ shape: [3] });
    const b = tf.model({ inputs: [x, y], outputs: picnn({ hiddenUnits: [4], seed: 2 }).apply([x, y]) as tf.SymbolicTensor });
    await expectSameAfterLoad(b, [tf.tensor2d([[0.5, -1]]), tf.tensor2d([[1, 2, 3]])]);
  });

  it('LyapunovFunction and StableDynamics with the default nominal net', async () => {
    const v = tf.sequential();
    v.add(lyapunovFunction({ hiddenUnits: [4], inputShape: [2], seed: 4, centering: 'tangent' }));
    await expectSameAfterLoad(v, tf.tensor2d([[0.5, -1]]));
    const s = tf.sequential();
    s.add(stableDynamics({ nominalUnits: [4], lyapunovArgs: { hiddenUnits: [4] }, inputShape: [2], seed: 5 }));
    await expectSameAfterLoad(s, tf.tensor2d([[0.5, -1], [0.1, 0.2]]));
  });
});
