import * as tf from '@tensorflow/tfjs';
import { CELLS, SIZE, isConsistent, isValidSolution, type Board } from './board.js';
import { ONE_HOT } from './encoding.js';

/** Decodes a 64-vector of scores to a board by the argmax digit of each cell (ties go to the smaller digit). */
export function decodeArgmax(scores: ArrayLike<number>, offset = 0): number[] {
  const board = new Array<number>(CELLS);
  for (let cell = 0; cell < CELLS; cell++) {
    let best = 0;
    for (let d = 1; d < SIZE; d++) if (scores[offset + cell * SIZE + d]! > scores[offset + cell * SIZE + best]!) best = d;
    board[cell] = best + 1;
  }
  return board;
}

/**
 * The error metric of the experiment: the fraction of boards whose argmax
 * decoding is not a valid completed Sudoku consistent with the puzzle's
 * givens. `scores` is [count, 64] row-major.
 */
export function boardErrorRate(scores: ArrayLike<number>, puzzles: readonly Board[]): number {
  if (scores.length !== puzzles.length * ONE_HOT) {
    throw new RangeError(`boardErrorRate: ${scores.length} scores for ${puzzles.length} puzzles (expected ${puzzles.length * ONE_HOT})`);
  }
  let wrong = 0;
  puzzles.forEach((puzzle, i) => {
    const board = decodeArgmax(scores, i * ONE_HOT);
    if (!isValidSolution(board) || !isConsistent(board, puzzle)) wrong++;
  });
  return puzzles.length === 0 ? 0 : wrong / puzzles.length;
}

/**
 * Board error as a tensor metric for `model.fit`: the fraction of boards on
 * which some cell's argmax digit differs from the target's. For puzzles with
 * a unique solution this equals `boardErrorRate` (the predicted board is a
 * valid completion consistent with the givens exactly when it is the solution).
 */
export function boardError(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const t = tf.argMax(tf.reshape(yTrue, [-1, CELLS, SIZE]), -1);
    const p = tf.argMax(tf.reshape(yPred, [-1, CELLS, SIZE]), -1);
    return tf.mean(tf.cast(tf.any(tf.notEqual(t, p), -1), 'float32'));
  });
}
