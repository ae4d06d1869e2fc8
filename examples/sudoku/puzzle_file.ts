import { readFileSync } from 'node:fs';
import { CELLS, SIZE, UNITS, isConsistent, isValidSolution, type Board } from './board.js';
import type { SudokuPair } from './generator.js';

/** A puzzle file's content could not be used; the message names the bad entry. */
export class PuzzleFileError extends Error {
  constructor(file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'PuzzleFileError';
  }
}

const UNIT_NAMES = [...Array.from({ length: SIZE }, (_, i) => `row ${i + 1}`), ...Array.from({ length: SIZE }, (_, i) => `column ${i + 1}`), ...Array.from({ length: SIZE }, (_, i) => `box ${i + 1}`)];

function parseBoard(file: string, value: unknown, where: string): number[] {
  if (!Array.isArray(value)) throw new PuzzleFileError(file, `${where} must be an array of ${CELLS} integers, got ${JSON.stringify(value)}`);
  if (value.length !== CELLS) throw new PuzzleFileError(file, `${where} must have ${CELLS} entries (row-major ${SIZE}x${SIZE}), got ${value.length}`);
  value.forEach((d, i) => {
    if (!Number.isInteger(d) || d < 0 || d > SIZE) throw new PuzzleFileError(file, `${where}[${i}] must be an integer 0-${SIZE} (0 = blank), got ${JSON.stringify(d)}`);
  });
  return value as number[];
}

function checkGivens(file: string, puzzle: Board, where: string): void {
  UNITS.forEach((unit, u) => {
    const seen = new Set<number>();
    for (const cell of unit) {
      const d = puzzle[cell]!;
      if (d === 0) continue;
      if (seen.has(d)) throw new PuzzleFileError(file, `${where}: digit ${d} appears twice in ${UNIT_NAMES[u]}`);
      seen.add(d);
    }
  });
}

/**
 * Reads puzzles for `--eval` from a JSON file
 * `{"puzzles": [[16 ints, 0 = blank, row-major], ...], "solutions": [[16 ints], ...]}`.
 * `solutions` is optional (the error metric needs only the givens); when
 * present it must have one valid completed board per puzzle, consistent with
 * its givens. Throws a `PuzzleFileError` naming the bad entry.
 */
export function readPuzzleFile(file: string): SudokuPair[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new PuzzleFileError(file, `cannot read the file (${(e as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new PuzzleFileError(file, `not valid JSON (${(e as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new PuzzleFileError(file, 'the top level must be an object {"puzzles": [...], "solutions": [...]}');
  const { puzzles, solutions } = json as { puzzles?: unknown; solutions?: unknown };
  if (!Array.isArray(puzzles)) throw new PuzzleFileError(file, '"puzzles" must be an array of boards');
  if (puzzles.length === 0) throw new PuzzleFileError(file, '"puzzles" is empty');
  if (solutions !== undefined && !Array.isArray(solutions)) throw new PuzzleFileError(file, '"solutions" must be an array of boards');
  if (Array.isArray(solutions) && solutions.length !== puzzles.length) {
    throw new PuzzleFileError(file, `"solutions" has ${solutions.length} boards but "puzzles" has ${puzzles.length}`);
  }
  return puzzles.map((raw, i) => {
    const puzzle = parseBoard(file, raw, `puzzles[${i}]`);
    checkGivens(file, puzzle, `puzzles[${i}]`);
    if (!Array.isArray(solutions)) return { puzzle, solution: [] };
    const solution = parseBoard(file, solutions[i], `solutions[${i}]`);
    if (!isValidSolution(solution)) throw new PuzzleFileError(file, `solutions[${i}] is not a valid completed Sudoku`);
    if (!isConsistent(solution, puzzle)) {
      const cell = puzzle.findIndex((d, c) => d !== 0 && solution[c] !== d);
      throw new PuzzleFileError(file, `solutions[${i}] disagrees with puzzles[${i}] at cell ${cell} (row ${Math.floor(cell / SIZE) + 1}, column ${(cell % SIZE) + 1})`);
    }
    return { puzzle, solution };
  });
}
