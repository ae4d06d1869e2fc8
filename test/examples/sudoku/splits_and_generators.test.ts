import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CELLS, PEERS, SIZE, isConsistent, isValidSolution, type Board } from '../../../examples/sudoku/board.js';
import { parseSudokuArgs } from '../../../examples/sudoku/cli_args.js';
import { SplitError, assertDisjoint, distinctPuzzles, generateSplits, puzzleKey, splitPairs } from '../../../examples/sudoku/dataset_splits.js';
import { generateMinimalPuzzle, generatePuzzles, type SudokuPair } from '../../../examples/sudoku/generator.js';
import { SCHEDULES, scheduledRate } from '../../../examples/sudoku/lr_schedule.js';
import { Prng } from '../../../examples/sudoku/prng.js';
import { readPuzzleFile } from '../../../examples/sudoku/puzzle_file.js';

/**
 * All 288 valid complete 4x4 grids, enumerated by brute force over four rows
 * that are each a permutation of 1..4 (24^4 candidates; checks written here,
 * no code shared with board.ts's backtracking).
 */
const ALL_GRIDS: number[][] = (() => {
  const perms: number[][] = [];
  const permute = (prefix: number[], rest: number[]): void => {
    if (rest.length === 0) perms.push(prefix);
    rest.forEach((d, i) => permute([...prefix, d], [...rest.slice(0, i), ...rest.slice(i + 1)]));
  };
  permute([], [1, 2, 3, 4]);
  const grids: number[][] = [];
  for (const r0 of perms) for (const r1 of perms) for (const r2 of perms) for (const r3 of perms) {
    const g = [...r0, ...r1, ...r2, ...r3];
    let ok = true;
    for (let c = 0; c < SIZE && ok; c++) ok = new Set([g[c], g[4 + c], g[8 + c], g[12 + c]]).size === SIZE;
    for (const [br, bc] of [[0, 0], [0, 2], [2, 0], [2, 2]] as const) {
      if (ok) ok = new Set([g[br * SIZE + bc], g[br * SIZE + bc + 1], g[(br + 1) * SIZE + bc], g[(br + 1) * SIZE + bc + 1]]).size === SIZE;
    }
    if (ok) grids.push(g);
  }
  return grids;
})();

/** Every completion of `puzzle`: the complete grids that agree with its givens. */
function bruteForceSolutions(puzzle: Board): number[][] {
  return ALL_GRIDS.filter((g) => puzzle.every((d, i) => d === 0 || g[i] === d));
}

/** Blanks that leave a puzzle with a quick contradiction-free fill: cheap pre-check for brute force sizes. */
const blanksOf = (p: Board) => p.filter((d) => d === 0).length;

describe('minimal generator', () => {
  const pairs = Array.from({ length: 25 }, (_, i) => generateMinimalPuzzle(new Prng(100 + i)));

  it('makes puzzles whose solution is unique (brute force over all fillings)', () => {
    for (const { puzzle, solution } of pairs) {
      expect(isValidSolution(solution)).toBe(true);
      expect(isConsistent(solution, puzzle)).toBe(true);
      expect(blanksOf(puzzle)).toBeLessThanOrEqual(CELLS - 4);
      expect(bruteForceSolutions(puzzle)).toEqual([solution]);
    }
  });

  it('from which no further given can be removed without a second solution', () => {
    expect(ALL_GRIDS).toHaveLength(288);
    for (const { puzzle } of pairs) {
      puzzle.forEach((d, cell) => {
        if (d === 0) return;
        const fewer = puzzle.slice();
        fewer[cell] = 0;
        expect(bruteForceSolutions(fewer).length, `given at cell ${cell} of ${puzzle.join('')}`).toBeGreaterThanOrEqual(2);
      });
    }
  });

  it('has fewer givens on average than the singles generator', () => {
    const mean = (ps: readonly SudokuPair[]) => ps.reduce((s, p) => s + CELLS - blanksOf(p.puzzle), 0) / ps.length;
    const minimal = Array.from({ length: 200 }, (_, i) => generateMinimalPuzzle(new Prng(1000 + i)));
    const singles = generatePuzzles(new Prng(7), 200);
    expect(mean(minimal)).toBeGreaterThanOrEqual(4);
    expect(mean(minimal)).toBeLessThan(mean(singles) - 0.5);
    // Peers are still the only constraint used: a given never clashes with another given.
    for (const { puzzle } of minimal) puzzle.forEach((d, c) => d !== 0 && expect(PEERS[c]!.every((q) => puzzle[q] !== d)).toBe(true));
  });
});

describe('disjoint splits', () => {
  const keysOf = (pairs: readonly SudokuPair[]) => pairs.map((p) => puzzleKey(p.puzzle));

  it('the raw generator repeats puzzles, so deduplication is needed', () => {
    const raw = generatePuzzles(new Prng(1), 3000);
    expect(new Set(keysOf(raw)).size).toBeLessThan(raw.length);
  });

  for (const mode of ['singles', 'minimal'] as const) {
    it(`generated ${mode} splits have the asked sizes and no puzzle twice anywhere`, () => {
      const seen = new Set<string>();
      const splits = generateSplits(new Prng(1), { train: 2000, validation: 300, test: 300 }, mode, seen);
      expect([splits.train.length, splits.validation.length, splits.test.length]).toEqual([2000, 300, 300]);
      const all = [...keysOf(splits.train), ...keysOf(splits.validation), ...keysOf(splits.test)];
      expect(new Set(all).size).toBe(all.length);
      expect(seen.size).toBe(all.length);
      const extra = distinctPuzzles(new Prng(2), 200, mode === 'singles' ? 'minimal' : 'singles', seen).pairs;
      for (const k of keysOf(extra)) expect(all.includes(k)).toBe(false);
      expect(() => assertDisjoint({ train: splits.train, validation: splits.validation, test: splits.test, extra })).not.toThrow();
    });
  }

  it('assertDisjoint names the two sets that share a puzzle', () => {
    const [a, b, c] = generatePuzzles(new Prng(3), 3);
    expect(() => assertDisjoint({ train: [a!, b!], validation: [c!], test: [b!] })).toThrow(/occurs in both train and test/);
    expect(() => assertDisjoint({ train: [a!, a!], test: [b!] })).not.toThrow();
  });

  it('splits a puzzle file: duplicates dropped, held-out parts disjoint from training', () => {
    const base = generatePuzzles(new Prng(4), 300);
    const withRepeats = [...base, ...base.slice(0, 40)];
    const splits = splitPairs(withRepeats, { validation: 30, test: 50 }, new Prng(5));
    const distinct = new Set(keysOf(base)).size;
    expect(splits.duplicatesDropped).toBe(withRepeats.length - distinct);
    expect(splits.validation).toHaveLength(30);
    expect(splits.test).toHaveLength(50);
    expect(splits.train).toHaveLength(distinct - 80);
    assertDisjoint({ train: splits.train, validation: splits.validation, test: splits.test });
    expect(() => splitPairs(base.slice(0, 10), { validation: 5, test: 5 }, new Prng(5))).toThrow(SplitError);
  });

  it('reads a training file in the --eval format', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sudoku-train-'));
    const pairs = generatePuzzles(new Prng(6), 20);
    const file = join(dir, 'train.json');
    writeFileSync(file, JSON.stringify({ puzzles: pairs.map((p) => p.puzzle), solutions: pairs.map((p) => p.solution) }));
    expect(readPuzzleFile(file)).toEqual(pairs);
    expect(parseSudokuArgs(['--train-file', file, '--validation', '4', '--test', '4'])).toMatchObject({ trainFile: file, validation: 4, test: 4 });
  });
});

describe('Sudoku command line', () => {
  it('parses the new flags and rejects conflicting ones', () => {
    expect(parseSudokuArgs([])).toMatchObject({ models: ['optnet', 'conv'], train: 9000, validation: 1000, test: 1000, generator: 'singles', schedule: 'decay', select: false });
    expect(parseSudokuArgs(['--models', 'optnet', '--minimal', '--select'])).toMatchObject({ models: ['optnet'], generator: 'minimal', select: true });
    expect(parseSudokuArgs(['--models', 'both', '--schedule', 'constant'])).toMatchObject({ models: ['optnet', 'conv'], schedule: 'constant' });
    expect(() => parseSudokuArgs(['--models', 'mlp'])).toThrow(/--models must be optnet, conv or both/);
    expect(() => parseSudokuArgs(['--schedule', 'cosine'])).toThrow(/--schedule must be one of constant, decay/);
    expect(() => parseSudokuArgs(['--select', '--schedule', 'decay'])).toThrow(/drop --schedule or --select/);
    expect(() => parseSudokuArgs(['--train-file', 'x.json', '--train', '10'])).toThrow(/--train sets the size/);
    expect(() => parseSudokuArgs(['--validation', '0'])).toThrow(/--validation needs an integer >= 1/);
    expect(parseSudokuArgs(['--curve', 'c.svg'])).toMatchObject({ curve: 'c.svg' });
    expect(() => parseSudokuArgs(['--curve', 'c.svg', '--load', 'models'])).toThrow(/with --load nothing is trained/);
  });

  it('schedules: the paper\'s constant step and the former decay', () => {
    expect(SCHEDULES).toEqual(['constant', 'decay']);
    expect([1, 2, 3, 4].map((e) => scheduledRate('constant', e))).toEqual([0.1, 0.1, 0.1, 0.1]);
    const decay = [1, 2, 3, 4].map((e) => scheduledRate('decay', e));
    expect(decay[0]).toBe(0.1);
    expect(decay[1]).toBe(0.1);
    expect(decay[2]).toBeCloseTo(0.1 / 3, 15);
    expect(decay[3]).toBeCloseTo(0.1 / 9, 15);
    expect(() => scheduledRate('constant', 0)).toThrow(RangeError);
  });
});
