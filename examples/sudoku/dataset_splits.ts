/**
 * Train / validation / test splits of Sudoku puzzles with no puzzle in two
 * splits (nor twice in one). A puzzle is identified by its canonical string,
 * the 16 digits of its givens in row-major order (0 = blank): two pairs with
 * the same givens are the same question, whatever solution file they came
 * from. Without this, 13 of 1000 test puzzles also occurred in training.
 */
import type { Board } from './board.js';
import { generateWith, type GeneratorMode, type SudokuPair } from './generator.js';
import type { Prng } from './prng.js';

/** The canonical string of a puzzle: its 16 digits, row-major, 0 for a blank. */
export function puzzleKey(puzzle: Board): string {
  return puzzle.join('');
}

/** Sizes of the three splits. */
export interface SplitSizes {
  readonly train: number;
  readonly validation: number;
  readonly test: number;
}

/** Three disjoint splits and how many duplicate puzzles were dropped to make them. */
export interface DataSplits {
  readonly train: readonly SudokuPair[];
  readonly validation: readonly SudokuPair[];
  readonly test: readonly SudokuPair[];
  /** Puzzles dropped because their givens were already in some split. */
  readonly duplicatesDropped: number;
}

/** A data set cannot be split as asked; the message says why. */
export class SplitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SplitError';
  }
}

/**
 * `count` puzzles from the generator `mode` whose keys are neither in
 * `exclude` nor repeated; adds their keys to `exclude`. Throws a `SplitError`
 * if the generator keeps repeating itself (more than 20 draws per puzzle).
 */
export function distinctPuzzles(rng: Prng, count: number, mode: GeneratorMode, exclude: Set<string>): { pairs: SudokuPair[]; duplicatesDropped: number } {
  const pairs: SudokuPair[] = [];
  let dropped = 0;
  while (pairs.length < count) {
    if (dropped > 20 * count + 100) throw new SplitError(`the ${mode} generator produced ${dropped} repeated puzzles while drawing ${count} distinct ones: ask for fewer puzzles`);
    const pair = generateWith(rng, mode);
    const key = puzzleKey(pair.puzzle);
    if (exclude.has(key)) {
      dropped++;
      continue;
    }
    exclude.add(key);
    pairs.push(pair);
  }
  return { pairs, duplicatesDropped: dropped };
}

/**
 * Generated splits: distinct puzzles are drawn from `rng` for training, then
 * validation, then test; a puzzle already drawn for any split is redrawn.
 * `seen` (optional) collects every key used, for further disjoint test sets.
 */
export function generateSplits(rng: Prng, sizes: SplitSizes, mode: GeneratorMode, seen: Set<string> = new Set()): DataSplits {
  const train = distinctPuzzles(rng, sizes.train, mode, seen);
  const validation = distinctPuzzles(rng, sizes.validation, mode, seen);
  const test = distinctPuzzles(rng, sizes.test, mode, seen);
  return {
    train: train.pairs, validation: validation.pairs, test: test.pairs,
    duplicatesDropped: train.duplicatesDropped + validation.duplicatesDropped + test.duplicatesDropped,
  };
}

/**
 * Splits the pairs of a puzzle file: repeated puzzles are dropped (the first
 * occurrence is kept), the rest shuffled by `rng`, and the first
 * `validation` and the next `test` held out; training gets the remainder.
 * Throws a `SplitError` if fewer than one training puzzle would remain.
 */
export function splitPairs(pairs: readonly SudokuPair[], sizes: Omit<SplitSizes, 'train'>, rng: Prng): DataSplits {
  const seen = new Set<string>();
  const unique: SudokuPair[] = [];
  for (const pair of pairs) {
    const key = puzzleKey(pair.puzzle);
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(pair);
  }
  if (unique.length < sizes.validation + sizes.test + 1) {
    throw new SplitError(`${unique.length} distinct puzzles (of ${pairs.length}) cannot give ${sizes.validation} validation and ${sizes.test} test puzzles and a training set: lower --validation / --test`);
  }
  const shuffled = rng.shuffle(unique);
  return {
    validation: shuffled.slice(0, sizes.validation),
    test: shuffled.slice(sizes.validation, sizes.validation + sizes.test),
    train: shuffled.slice(sizes.validation + sizes.test),
    duplicatesDropped: pairs.length - unique.length,
  };
}

/** Throws a `SplitError` naming the two sets and the puzzle if some puzzle occurs in two of `sets`. */
export function assertDisjoint(sets: Readonly<Record<string, readonly SudokuPair[]>>): void {
  const owner = new Map<string, string>();
  for (const [name, pairs] of Object.entries(sets)) {
    const own = new Set<string>();
    for (const { puzzle } of pairs) {
      const key = puzzleKey(puzzle);
      if (own.has(key)) continue;
      own.add(key);
      const other = owner.get(key);
      if (other !== undefined) throw new SplitError(`puzzle ${key} occurs in both ${other} and ${name}`);
      owner.set(key, name);
    }
  }
}
