import { CELLS, PEERS, SIZE, countSolutions, isValidSolution, type Board } from './board.js';
import { solveBySingles } from './deduction.js';
import type { Prng } from './prng.js';

/** A puzzle and its unique solution (16 digits each, row-major, 0 = blank in the puzzle). */
export interface SudokuPair {
  readonly puzzle: Board;
  readonly solution: Board;
}

/** Bounds on the number of givens, from the issue: 4 to 8. */
export const MIN_GIVENS = 4;
export const MAX_GIVENS = 8;

/** A uniformly shuffled random complete 4x4 board (backtracking with random digit order). */
export function randomSolution(rng: Prng): number[] {
  const cells = new Array<number>(CELLS).fill(0);
  const fill = (i: number): boolean => {
    if (i === CELLS) return true;
    for (const d of rng.shuffle(Array.from({ length: SIZE }, (_, k) => k + 1))) {
      if (PEERS[i]!.some((q) => cells[q] === d)) continue;
      cells[i] = d;
      if (fill(i + 1)) return true;
    }
    cells[i] = 0;
    return false;
  };
  if (!fill(0) || !isValidSolution(cells)) throw new Error('randomSolution: backtracking failed (cannot happen for 4x4)');
  return cells;
}

/**
 * One puzzle: a random complete board, then cells removed in random order as
 * long as the remaining givens still determine the board by naked and hidden
 * singles (`solveBySingles`), down to a target drawn uniformly from
 * [MIN_GIVENS, MAX_GIVENS]. Boards that cannot get down to MAX_GIVENS are
 * redrawn, so every puzzle has 4-8 givens and a unique, deducible solution.
 */
export function generatePuzzle(rng: Prng): SudokuPair {
  for (;;) {
    const solution = randomSolution(rng);
    const target = rng.int(MIN_GIVENS, MAX_GIVENS);
    const puzzle = solution.slice();
    let givens = CELLS;
    for (const cell of rng.shuffle(Array.from({ length: CELLS }, (_, i) => i))) {
      if (givens <= target) break;
      puzzle[cell] = 0;
      if (solveBySingles(puzzle).solution) givens--;
      else puzzle[cell] = solution[cell]!;
    }
    if (givens <= MAX_GIVENS) return { puzzle, solution };
  }
}

/**
 * A minimal puzzle, as the OptNet paper's generator makes them: a random
 * complete board, then every cell in random order is blanked unless that
 * would give the puzzle a second solution (exact backtracking count,
 * `countSolutions`). One pass suffices for minimality: blanking more cells
 * only adds solutions, so a cell that could not go when it was tried cannot
 * go at the end either. The solution may need more than singles to find.
 */
export function generateMinimalPuzzle(rng: Prng): SudokuPair {
  const solution = randomSolution(rng);
  const puzzle = solution.slice();
  for (const cell of rng.shuffle(Array.from({ length: CELLS }, (_, i) => i))) {
    puzzle[cell] = 0;
    if (countSolutions(puzzle, 2) !== 1) puzzle[cell] = solution[cell]!;
  }
  return { puzzle, solution };
}

/**
 * Which generator makes the puzzles: `singles` (4-8 givens, solvable by
 * naked and hidden singles, `generatePuzzle`) or `minimal` (no given can be
 * removed without losing uniqueness, `generateMinimalPuzzle`).
 */
export type GeneratorMode = 'singles' | 'minimal';

/** One puzzle from the generator `mode`. */
export function generateWith(rng: Prng, mode: GeneratorMode): SudokuPair {
  return mode === 'minimal' ? generateMinimalPuzzle(rng) : generatePuzzle(rng);
}

/** `count` puzzles from `rng`, in order (duplicates possible; see dataset_splits.ts for unique splits). */
export function generatePuzzles(rng: Prng, count: number, mode: GeneratorMode = 'singles'): SudokuPair[] {
  return Array.from({ length: count }, () => generateWith(rng, mode));
}
