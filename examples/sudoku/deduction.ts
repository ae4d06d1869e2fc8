import { CELLS, PEERS, SIZE, UNITS, type Board } from './board.js';

const ALL = (1 << SIZE) - 1;

function popcount(mask: number): number {
  let n = 0;
  for (let m = mask; m; m &= m - 1) n++;
  return n;
}

/** Result of solving by simple deduction. */
export interface DeductionResult {
  /** The completed board, or undefined if deduction got stuck or hit a contradiction. */
  readonly solution: number[] | undefined;
  /** Number of cells filled by naked singles and by hidden singles. */
  readonly nakedSingles: number;
  readonly hiddenSingles: number;
}

/**
 * Solves `puzzle` with the two simplest human techniques only, repeated until
 * nothing changes:
 * - naked single: a blank cell whose peers leave exactly one candidate digit;
 * - hidden single: a digit that fits exactly one blank cell of a row, column or box.
 * Every deduction is forced, so success proves the solution is unique.
 * Returns `solution: undefined` if the puzzle is contradictory or needs more
 * than singles.
 */
export function solveBySingles(puzzle: Board): DeductionResult {
  const cells = puzzle.slice();
  const candidates = new Array<number>(CELLS).fill(ALL);
  let nakedSingles = 0;
  let hiddenSingles = 0;
  const place = (cell: number, digit: number): boolean => {
    const bit = 1 << (digit - 1);
    if ((candidates[cell]! & bit) === 0) return false;
    cells[cell] = digit;
    candidates[cell] = bit;
    for (const q of PEERS[cell]!) candidates[q] = candidates[q]! & ~bit;
    return true;
  };
  for (let i = 0; i < CELLS; i++) {
    const d = puzzle[i]!;
    if (d !== 0 && !place(i, d)) return { solution: undefined, nakedSingles, hiddenSingles };
  }
  for (let changed = true; changed; ) {
    changed = false;
    for (let i = 0; i < CELLS; i++) {
      if (cells[i] !== 0) continue;
      const mask = candidates[i]!;
      if (mask === 0) return { solution: undefined, nakedSingles, hiddenSingles };
      if (popcount(mask) === 1) {
        place(i, Math.log2(mask) + 1);
        nakedSingles++;
        changed = true;
      }
    }
    for (const unit of UNITS) {
      for (let d = 1; d <= SIZE; d++) {
        if (unit.some((c) => cells[c] === d)) continue;
        const spots = unit.filter((c) => cells[c] === 0 && (candidates[c]! & (1 << (d - 1))) !== 0);
        if (spots.length === 0) return { solution: undefined, nakedSingles, hiddenSingles };
        if (spots.length === 1) {
          if (!place(spots[0]!, d)) return { solution: undefined, nakedSingles, hiddenSingles };
          hiddenSingles++;
          changed = true;
        }
      }
    }
  }
  const solved = cells.every((d) => d !== 0);
  return { solution: solved ? cells : undefined, nakedSingles, hiddenSingles };
}
