import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/backend.js';
import { renderSvg } from '../../../examples/common/svg_plot.js';
import { generateSplits } from '../../../examples/sudoku/dataset_splits.js';
import { encodeSet } from '../../../examples/sudoku/encoding.js';
import { learningCurvePanels, type SudokuResultsJson } from '../../../examples/sudoku/learning_curve.js';
import { buildConvModel } from '../../../examples/sudoku/models.js';
import { Prng } from '../../../examples/sudoku/prng.js';
import { evaluate, trainModel } from '../../../examples/sudoku/train.js';

beforeAll(async () => {
  await selectBackend();
});

describe('Sudoku training loop', () => {
  it('ends with the epoch best on validation and does not leak tensors', async () => {
    const splits = generateSplits(new Prng(3), { train: 300, validation: 60, test: 60 }, 'singles');
    const train = encodeSet(splits.train);
    const validation = encodeSet(splits.validation);
    const model = buildConvModel({ seed: 2, layers: 1, filters: 8, learningRate: 0.02 });
    const options = { epochs: 2, batchSize: 50, label: 'test', rng: new Prng(4) };
    // The first run creates Adam's slot variables; later runs must not add tensors.
    await trainModel(model, train, validation, options);
    const before = tf.memory().numTensors;
    const result = await trainModel(model, train, validation, { ...options, epochs: 3 });
    expect(tf.memory().numTensors).toBe(before);

    expect(result.epochs.map((e) => e.epoch)).toEqual([0, 1, 2, 3]);
    const bestError = Math.min(...result.epochs.map((e) => e.validationError));
    const kept = result.epochs[result.bestEpoch]!;
    expect(kept.validationError).toBe(bestError);
    // Re-evaluating the returned model gives the kept epoch's validation figures.
    const now = evaluate(model, validation);
    expect(now.error).toBe(kept.validationError);
    expect(now.loss).toBeCloseTo(kept.validationLoss, 6);
    // keepBest: false leaves the last epoch's weights.
    const last = await trainModel(model, train, validation, { ...options, epochs: 1, keepBest: false });
    expect(evaluate(model, validation).loss).toBeCloseTo(last.epochs[1]!.validationLoss, 6);
    model.dispose();
    tf.dispose([train.x, train.y, validation.x, validation.y]);
  });

  it('draws the learning curve of a results file, one panel per trained model', () => {
    const results: SudokuResultsJson = {
      models: {
        optnet: { chosen: { schedule: 'decay', bestEpoch: 2, epochs: [{ epoch: 0, trainError: null, validationError: 1 }, { epoch: 1, trainError: 0.9, validationError: 0.5 }, { epoch: 2, trainError: 0.1, validationError: 0.01 }] }, test: { test: { error: 0.012 } } },
        conv: { test: {} },
      },
    };
    const panels = learningCurvePanels(results);
    expect(panels).toHaveLength(1);
    expect(panels[0]!.title).toContain('test error 1.20%');
    expect(Array.from(panels[0]!.series[1]!.y)).toEqual([100, 50, 1]);
    expect(Number.isNaN(panels[0]!.series[0]!.y[0])).toBe(true);
    expect(renderSvg(panels)).toContain('validation (epoch 2 kept)');
    expect(() => learningCurvePanels({ models: { conv: { test: {} } } })).toThrow(/no trained model/);
  });
});
