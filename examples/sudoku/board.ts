/**
 * 4x4 Sudoku with 2x2 boxes: boards are 16 digits in row-major order, 1..4,
 * with 0 for a blank. The rules: every row, column and 2x2 box holds each
 * digit exactly once.
 */

/** Box side. */
export const BOX = 2;
/** Board side = number of digits. */
export const SIZE = BOX * BOX;
/** Cells per board. */
export const CELLS = SIZE * SIZE;

/** A board: `CELLS` digits, row-major, 0 = blank. */
export type Board = readonly number[];

/** The 3 * SIZE units (rows, columns, boxes), each a list of cell indices. */
export const UNITS: readonly (readonly number[])[] = (() => {
  const units: number[][] = [];
  for (let r = 0; r < SIZE; r++) units.push(Array.from({ length: SIZE }, (_, c) => r * SIZE + c));
  for (let c = 0; c < SIZE; c++) units.push(Array.from({ length: SIZE }, (_, r) => r * SIZE + c));
  for (let br = 0; br < SIZE; br += BOX) {
    for (let bc = 0; bc < SIZE; bc += BOX) {
      const box: number[] = [];
      for (let r = br; r < br + BOX; r++) for (let c = bc; c < bc + BOX; c++) box.push(r * SIZE + c);
      units.push(box);
    }
  }
  return units;
})();

/** For each cell, the other cells sharing a row, column or box with it. */
export const PEERS: readonly (readonly number[])[] = Array.from({ length: CELLS }, (_, cell) => {
  const peers = new Set<number>();
  for (const unit of UNITS) if (unit.includes(cell)) for (const other of unit) if (other !== cell) peers.add(other);
  return [...peers].sort((a, b) => a - b);
});

/** True if `board` is completely filled with digits 1..SIZE and obeys every unit rule. */
export function isValidSolution(board: Board): boolean {
  if (board.length !== CELLS) return false;
  if (!board.every((d) => Number.isInteger(d) && d >= 1 && d <= SIZE)) return false;
  return UNITS.every((unit) => new Set(unit.map((c) => board[c])).size === SIZE);
}

/** True if `board` agrees with every given (non-zero) cell of `puzzle`. */
export function isConsistent(board: Board, puzzle: Board): boolean {
  return puzzle.every((d, i) => d === 0 || board[i] === d);
}

/** Number of solutions of `puzzle` by exhaustive backtracking, stopping at `limit`. */
export function countSolutions(puzzle: Board, limit = 2): number {
  const cells = puzzle.slice();
  let count = 0;
  const search = (): void => {
    const blank = cells.indexOf(0);
    if (blank < 0) {
      count++;
      return;
    }
    for (let d = 1; d <= SIZE && count < limit; d++) {
      if (PEERS[blank]!.some((q) => cells[q] === d)) continue;
      cells[blank] = d;
      search();
      cells[blank] = 0;
    }
  };
  search();
  return count;
}

/** Renders a board as SIZE lines of digits ('.' for blank) with box separators. */
export function formatBoard(board: Board): string {
  const lines: string[] = [];
  for (let r = 0; r < SIZE; r++) {
    if (r > 0 && r % BOX === 0) lines.push('-'.repeat(SIZE * 2 + BOX - 2));
    let line = '';
    for (let c = 0; c < SIZE; c++) {
      if (c > 0 && c % BOX === 0) line += '| ';
      const d = board[r * SIZE + c]!;
      line += `${d === 0 ? '.' : d} `;
    }
    lines.push(line.trimEnd());
  }
  return lines.join('\n');
}
