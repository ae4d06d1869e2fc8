import * as tf from '@tensorflow/tfjs';
import { CELLS, SIZE, type Board } from './board.js';
import type { SudokuPair } from './generator.js';

/** Length of the one-hot encoding: CELLS x SIZE = 64 (index cell * SIZE + digit - 1). */
export const ONE_HOT = CELLS * SIZE;

/** Writes the one-hot code of `board` into `out` at `offset`; blanks stay all zero. */
export function encodeBoard(board: Board, out: Float32Array, offset = 0): void {
  for (let cell = 0; cell < CELLS; cell++) {
    const d = board[cell]!;
    if (d !== 0) out[offset + cell * SIZE + d - 1] = 1;
  }
}

/** Puzzles and solutions as [count, 64] float32 tensors (one-hot, blanks all zero). */
export interface EncodedSet {
  readonly x: tf.Tensor2D;
  readonly y: tf.Tensor2D;
  readonly pairs: readonly SudokuPair[];
}

/** Encodes `pairs` into tensors; the caller disposes `x` and `y`. */
export function encodeSet(pairs: readonly SudokuPair[]): EncodedSet {
  const x = new Float32Array(pairs.length * ONE_HOT);
  const y = new Float32Array(pairs.length * ONE_HOT);
  pairs.forEach((pair, i) => {
    encodeBoard(pair.puzzle, x, i * ONE_HOT);
    encodeBoard(pair.solution, y, i * ONE_HOT);
  });
  return { x: tf.tensor2d(x, [pairs.length, ONE_HOT]), y: tf.tensor2d(y, [pairs.length, ONE_HOT]), pairs };
}
