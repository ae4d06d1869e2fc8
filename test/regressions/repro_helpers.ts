/**
 * Small helpers of the issue 14 regression suite: catching what a call threw,
 * asserting it is one of our typed errors, and a save/load round trip through
 * an in-memory IOHandler (the topology passes through JSON text, as on disk).
 */
import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import { OptlayersError } from '../../src/index.js';

/** Runs `call`, returning what it threw (undefined if nothing). */
export function thrown(call: () => unknown): unknown {
  try {
    call();
  } catch (err) {
    return err;
  }
  return undefined;
}

/** The error is one of ours (never a TypeError / RuntimeError), of class `cls`, mentioning `message`. */
export function expectTyped(err: unknown, cls: new (...args: never[]) => OptlayersError, message?: RegExp): void {
  expect(err, 'no error thrown').toBeInstanceOf(OptlayersError);
  expect(err).toBeInstanceOf(cls);
  if (message) expect((err as Error).message).toMatch(message);
}

/** Saves through an in-memory handler (topology as JSON text, as on disk) and loads with tf.loadLayersModel. */
export async function roundTrip(model: tf.LayersModel, mutate?: (config: Record<string, unknown>) => void): Promise<tf.LayersModel> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => ((saved = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
  const topology = JSON.parse(JSON.stringify(saved!.modelTopology)) as { config: { layers: { config: Record<string, unknown> }[] } };
  if (mutate) mutate(topology.config.layers[topology.config.layers.length - 1]!.config);
  return tf.loadLayersModel(tf.io.fromMemory({ ...saved!, modelTopology: topology }));
}

/** The model's prediction on `x` as nested arrays. */
export const predict = (model: tf.LayersModel, x: tf.Tensor): number[][] => tf.tidy(() => (model.predict(x) as tf.Tensor).arraySync() as number[][]);
