import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Problem, minimize, parameter, sumSquares, variable } from '../../../dsl/index.js';
import { ValueError } from '../../../solvers/errors.js';
import { availableQpThreads } from '../../../solvers/qp/index.js';
import { init } from '../../../src/init.js';
import { convexProgramLayer, registerProblem } from '../../../src/convex/index.js';
import { optNetLayer } from '../../../src/qp/index.js';
import { deqLayer } from '../../../src/deq/index.js';
import { monDeqLayer } from '../../../src/mondeq/index.js';
import { icnn } from '../../../src/icnn/index.js';
import { stableDynamics } from '../../../src/stable/index.js';

type Json = Record<string, unknown>;

/** The saved (pythonic, snake_case) topology of a one-layer model, as a JSON object to tamper with. */
async function savedTopology(layer: tf.layers.Layer, inputShape: number[]): Promise<{ topology: Json; artifacts: tf.io.ModelArtifacts }> {
  const model = tf.sequential();
  model.add(tf.layers.inputLayer({ inputShape }));
  model.add(layer);
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => ((saved = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
  return { topology: JSON.parse(JSON.stringify(saved!.modelTopology)) as Json, artifacts: saved! };
}

/** The config object of the model's last layer in a saved topology. */
function lastLayerConfig(topology: Json): Json {
  const layers = (topology['config'] as Json)['layers'] as Json[];
  return layers[layers.length - 1]!['config'] as Json;
}

async function loadTampered(layer: tf.layers.Layer, inputShape: number[], tamper: (config: Json) => void): Promise<unknown> {
  const { topology, artifacts } = await savedTopology(layer, inputShape);
  tamper(lastLayerConfig(topology));
  try {
    await tf.loadLayersModel(tf.io.fromMemory({ ...artifacts, modelTopology: topology }));
    return undefined;
  } catch (err) {
    return err;
  }
}

beforeAll(async () => {
  await init();
  registerProblem('limitsBox', () => {
    const x = variable(2, { name: 'x' });
    const a = parameter(2, { name: 'a' });
    return new Problem(minimize(sumSquares(x.sub(a))), [x.ge(0)]);
  });
});

const convex = () => convexProgramLayer({ problem: 'limitsBox', inputParameters: ['a'], outputVariables: ['x'], solverOptions: { solver: 'qp' } });

describe('a saved config cannot ask for unbounded resources or carry unknown keys', () => {
  const cases: { what: string; layer: () => tf.layers.Layer; shape: number[]; tamper: (c: Json) => void; message: RegExp }[] = [
    { what: 'ConvexProgramLayer qp.threads beyond the cores', layer: convex, shape: [2], tamper: (c) => ((c['solver_options'] as Json)['qp'] = { threads: availableQpThreads() + 10 }), message: /threads/ },
    { what: 'ConvexProgramLayer max_iters 1e12', layer: convex, shape: [2], tamper: (c) => ((c['solver_options'] as Json)['max_iters'] = 1e12), message: /maxIters/ },
    { what: 'ConvexProgramLayer unknown solver option', layer: convex, shape: [2], tamper: (c) => ((c['solver_options'] as Json)['spin_forever'] = true), message: /spinForever/ },
    { what: 'ConvexProgramLayer unknown layer key', layer: convex, shape: [2], tamper: (c) => (c['bogus_key'] = 1), message: /bogusKey/ },
    { what: 'OptNetLayer max_iters 1e12', layer: () => optNetLayer({ nVariables: 2 }), shape: [2], tamper: (c) => (c['max_iters'] = 1e12), message: /maxIters/ },
    { what: 'OptNetLayer unknown key', layer: () => optNetLayer({ nVariables: 2 }), shape: [2], tamper: (c) => (c['threads'] = 12), message: /threads/ },
    {
      what: 'DEQLayer max_iters 1e9 with zero tolerances',
      layer: () => deqLayer({ units: 2 }),
      shape: [2],
      tamper: (c) => (c['forward'] = { max_iters: 1e9, abs_tol: 0, rel_tol: 0 }),
      message: /maxIters/,
    },
    { what: 'DEQLayer zero tolerances', layer: () => deqLayer({ units: 2 }), shape: [2], tamper: (c) => (c['forward'] = { abs_tol: 0, rel_tol: 0 }), message: /tolerance/ },
    { what: 'DEQLayer unknown forward key', layer: () => deqLayer({ units: 2 }), shape: [2], tamper: (c) => (c['forward'] = { max_iter: 10 }), message: /maxIter/ },
    { what: 'MonDEQLayer max_iters 1e9', layer: () => monDeqLayer({ units: 2 }), shape: [2], tamper: (c) => (c['forward'] = { max_iters: 1e9 }), message: /maxIters/ },
    { what: 'MonDEQLayer unknown key', layer: () => monDeqLayer({ units: 2 }), shape: [2], tamper: (c) => (c['workers'] = 8), message: /workers/ },
    { what: 'ICNN hidden_units [1e9]', layer: () => icnn({ hiddenUnits: [2] }), shape: [2], tamper: (c) => (c['hidden_units'] = [1e9]), message: /hiddenUnits/ },
    { what: 'DEQLayer units 1e9', layer: () => deqLayer({ units: 2 }), shape: [2], tamper: (c) => (c['units'] = 1e9), message: /units/ },
    { what: 'OptNetLayer n_variables 1e6', layer: () => optNetLayer({ nVariables: 2 }), shape: [2], tamper: (c) => (c['n_variables'] = 1e6), message: /nVariables/ },
    { what: 'ICNN unknown key', layer: () => icnn({ hiddenUnits: [2] }), shape: [2], tamper: (c) => (c['extra'] = 1), message: /extra/ },
    { what: 'StableDynamics unknown key', layer: () => stableDynamics({ nominalUnits: [2], lyapunovArgs: { hiddenUnits: [2] } }), shape: [2], tamper: (c) => (c['extra'] = 1), message: /extra/ },
  ];
  for (const c of cases) {
    it(c.what, async () => {
      const err = await loadTampered(c.layer(), c.shape, c.tamper);
      expect(err).toBeInstanceOf(ValueError);
      expect((err as Error).message).toMatch(c.message);
    });
  }

  it('the same bounds hold in the constructors', () => {
    expect(() => deqLayer({ units: 2, forward: { maxIters: 1e9 } })).toThrow(ValueError);
    expect(() => monDeqLayer({ units: 2, backward: { maxIters: 20_000 } })).toThrow(ValueError);
    expect(() => optNetLayer({ nVariables: 2, maxIters: 20_000 })).toThrow(ValueError);
    expect(() => convexProgramLayer({ problem: 'limitsBox', inputParameters: ['a'], outputVariables: ['x'], solverOptions: { scs: { maxIters: 1e9 } } })).toThrow(ValueError);
    expect(() => convexProgramLayer({ problem: 'limitsBox', inputParameters: ['a'], outputVariables: ['x'], solverOptions: { scs: { epsAbsolute: 1 } as never } })).toThrow(/epsAbsolute/);
    expect(() => deqLayer({ units: 2, forward: { memory: 1e6 } })).toThrow(ValueError);
    // Within the bounds, a layer builds.
    expect(() => deqLayer({ units: 2, forward: { maxIters: 10_000, absTol: 0, relTol: 1e-6 } })).not.toThrow();
  });
});
