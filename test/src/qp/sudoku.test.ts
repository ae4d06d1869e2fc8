import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/backend.js';
import { BoardConv, boardConv } from '../../../examples/sudoku/board_conv.js';
import { countSolutions, isConsistent, isValidSolution } from '../../../examples/sudoku/board.js';
import { parseSudokuArgs } from '../../../examples/sudoku/cli_args.js';
import { solveBySingles } from '../../../examples/sudoku/deduction.js';
import { encodeBoard, encodeSet, ONE_HOT } from '../../../examples/sudoku/encoding.js';
import { MAX_GIVENS, MIN_GIVENS, generatePuzzles } from '../../../examples/sudoku/generator.js';
import { boardError, boardErrorRate, decodeArgmax } from '../../../examples/sudoku/metric.js';
import { Prng } from '../../../examples/sudoku/prng.js';
import { readPuzzleFile } from '../../../examples/sudoku/puzzle_file.js';

beforeAll(async () => {
  await selectBackend();
});

const SOLUTION = [1, 2, 3, 4, 3, 4, 1, 2, 2, 1, 4, 3, 4, 3, 2, 1];

describe('4x4 Sudoku generator', () => {
  it('makes valid puzzles with 4-8 givens whose unique solution follows by singles', () => {
    const pairs = generatePuzzles(new Prng(42), 300);
    const givenCounts = new Set<number>();
    for (const { puzzle, solution } of pairs) {
      const givens = puzzle.filter((d) => d !== 0).length;
      givenCounts.add(givens);
      expect(givens).toBeGreaterThanOrEqual(MIN_GIVENS);
      expect(givens).toBeLessThanOrEqual(MAX_GIVENS);
      expect(isValidSolution(solution)).toBe(true);
      expect(isConsistent(solution, puzzle)).toBe(true);
      expect(solveBySingles(puzzle).solution).toEqual(solution);
      expect(countSolutions(puzzle)).toBe(1);
    }
    expect(givenCounts.size).toBe(MAX_GIVENS - MIN_GIVENS + 1);
    // Reproducible from the seed, different across seeds.
    expect(generatePuzzles(new Prng(42), 5)).toEqual(pairs.slice(0, 5));
    expect(generatePuzzles(new Prng(43), 5)).not.toEqual(pairs.slice(0, 5));
  });

  it('deduction by singles refuses puzzles that need more (or are contradictory)', () => {
    expect(solveBySingles(new Array(16).fill(0)).solution).toBeUndefined();
    const clash = new Array(16).fill(0);
    clash[0] = 1;
    clash[1] = 1;
    expect(solveBySingles(clash).solution).toBeUndefined();
  });
});

describe('Sudoku error metric', () => {
  const puzzle = SOLUTION.map((d, i) => (i % 3 === 0 ? d : 0));
  const scores = (board: number[]) => {
    const out = new Float32Array(ONE_HOT);
    encodeBoard(board, out);
    return out;
  };

  it('counts a board wrong unless its argmax is a valid completion consistent with the givens', () => {
    expect(decodeArgmax(scores(SOLUTION))).toEqual(SOLUTION);
    expect(boardErrorRate(scores(SOLUTION), [puzzle])).toBe(0);
    const swapped = SOLUTION.slice();
    [swapped[1], swapped[2]] = [swapped[2]!, swapped[1]!];
    expect(boardErrorRate(scores(swapped), [puzzle])).toBe(1);
    // Valid Sudoku (digits 1 and 2 relabelled) but inconsistent with the givens.
    const relabelled = SOLUTION.map((d) => (d === 1 ? 2 : d === 2 ? 1 : d));
    expect(isValidSolution(relabelled)).toBe(true);
    expect(boardErrorRate(scores(relabelled), [puzzle])).toBe(1);
    const both = new Float32Array([...scores(SOLUTION), ...scores(swapped)]);
    expect(boardErrorRate(both, [puzzle, puzzle])).toBe(0.5);
  });

  it('the tensor metric used during training agrees with it on uniquely solvable puzzles', () => {
    const pairs = generatePuzzles(new Prng(5), 40);
    const set = encodeSet(pairs);
    const noisy = tf.tidy(() => tf.add(set.y, tf.randomUniform(set.y.shape, -0.6, 0.6, 'float32', 1)));
    const exact = boardErrorRate(noisy.dataSync(), pairs.map((p) => p.puzzle));
    expect(exact).toBeGreaterThan(0);
    expect(exact).toBeLessThan(1);
    expect(boardError(set.y, noisy).dataSync()[0]).toBeCloseTo(exact, 6);
    tf.dispose([set.x, set.y, noisy]);
  });
});

describe('Sudoku example inputs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sudoku-'));
  const write = (name: string, content: unknown) => {
    const file = join(dir, name);
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    return file;
  };
  const puzzle = SOLUTION.map((d, i) => (i < 6 ? d : 0));

  it('reads a valid puzzle file and names the bad entry of an invalid one', () => {
    expect(readPuzzleFile(write('ok.json', { puzzles: [puzzle], solutions: [SOLUTION] }))).toEqual([{ puzzle, solution: SOLUTION }]);
    expect(readPuzzleFile(write('nosol.json', { puzzles: [puzzle] }))[0]!.puzzle).toEqual(puzzle);
    expect(() => readPuzzleFile(write('bad1.json', '{"puzzles": ['))).toThrow(/not valid JSON/);
    expect(() => readPuzzleFile(write('bad2.json', { puzzles: [puzzle, [1, 2, 3]] }))).toThrow(/puzzles\[1\] must have 16 entries/);
    expect(() => readPuzzleFile(write('bad3.json', { puzzles: [puzzle.map((d, i) => (i === 7 ? 9 : d))] }))).toThrow(/puzzles\[0\]\[7\] must be an integer 0-4/);
    expect(() => readPuzzleFile(write('bad4.json', { puzzles: [puzzle], solutions: [SOLUTION.map((d, i) => (i === 0 ? 2 : d))] }))).toThrow(/solutions\[0\] is not a valid completed Sudoku/);
    const clash = puzzle.slice();
    clash[8] = clash[0]!;
    expect(() => readPuzzleFile(write('bad5.json', { puzzles: [clash] }))).toThrow(/puzzles\[0\]: digit 1 appears twice in column 1/);
    expect(() => readPuzzleFile(write('bad6.json', { puzzles: [puzzle], solutions: [] }))).toThrow(/"solutions" has 0 boards but "puzzles" has 1/);
  });

  it('parses the command line and rejects bad flags', () => {
    expect(parseSudokuArgs([])).toMatchObject({ seed: 1, models: ['optnet', 'conv'], train: 9000, test: 1000, epochs: undefined });
    expect(parseSudokuArgs(['--model', 'conv', '--epochs', '3', '--seed', '7'])).toMatchObject({ models: ['conv'], epochs: 3, seed: 7 });
    expect(() => parseSudokuArgs(['--model', 'mlp'])).toThrow(/--model must be optnet, conv or both/);
    expect(() => parseSudokuArgs(['--epochs', 'x'])).toThrow(/--epochs needs an integer/);
    expect(() => parseSudokuArgs(['--eval'])).toThrow(/--eval needs a value/);
    expect(() => parseSudokuArgs(['--fast'])).toThrow(/unknown option --fast/);
  });
});

describe('BoardConv (the conv baseline\'s layer)', () => {
  it('equals tf.conv2d with same padding, trains on wasm and round-trips through serialization', async () => {
    const x = tf.randomNormal([2, 4, 4, 3], 0, 1, 'float32', 4) as tf.Tensor4D;
    const layer = boardConv({ filters: 5, relu: false, seed: 1 });
    const out = layer.apply(x) as tf.Tensor;
    const [kernel, bias] = layer.getWeights();
    const reference = tf.add(tf.conv2d(x, tf.reshape(kernel!, [3, 3, 3, 5]) as tf.Tensor4D, 1, 'same'), bias!);
    expect(out.shape).toEqual([2, 4, 4, 5]);
    expect(Math.max(...Array.from(tf.abs(tf.sub(out, reference)).dataSync()))).toBeLessThan(1e-5);
    const model = tf.sequential({ layers: [boardConv({ inputShape: [4, 4, 3], filters: 2, seed: 2 })] });
    model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
    await model.fit(x, tf.onesLike(model.predict(x) as tf.Tensor), { epochs: 1, verbose: 0 });
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (a) => {
      saved = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
    expect(loaded.layers[0]).toBeInstanceOf(BoardConv);
    expect(Array.from((loaded.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from((model.predict(x) as tf.Tensor).dataSync()));
  });
});
