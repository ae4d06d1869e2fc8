import * as tf from '@tensorflow/tfjs';
import { optNetLayer, type QpSolveReport } from 'optlayers';
import { SIZE } from './board.js';
import { boardConv } from './board_conv.js';
import { ONE_HOT } from './encoding.js';
import { OPTNET_INITIAL_RATE } from './lr_schedule.js';
import { boardError } from './metric.js';

/** Which model to train. */
export type ModelKind = 'optnet' | 'conv';

/** Hyperparameters of the OptNet Sudoku model (defaults from the OptNet paper, section 5.3). */
export interface OptNetSudokuOptions {
  /** Rows of the learned equality matrix A; default 40 (the rank of the true 4x4 Sudoku constraints). */
  nEq?: number;
  /** Q = qPenalty I; default 0.1. */
  qPenalty?: number;
  /** Initial Adam learning rate; default 0.1 (as in the paper; a schedule of lr_schedule.ts may change it per epoch). */
  learningRate?: number;
  /** Seed of the uniform [0, 1) initialisation of A. */
  seed?: number;
  /** Receives every solve's statuses, for logging. */
  onSolve?: (report: QpSolveReport) => void;
}

/**
 * The OptNet Sudoku model (Amos & Kolter 2017, section 5.3): z* = argmin
 * 1/2 qPenalty |z|^2 - x'z  s.t.  z >= 0 (G = -I, h = 0),  Az = b, with the
 * one-hot puzzle x entering as p = -x (a fixed -I dense layer), A [40 x 64]
 * learned from a uniform [0, 1) start and b = A z0 for a learned positive
 * point z0 = exp(w) (so the QP is always feasible). The model knows nothing
 * about the rules: they have to be learned into A.
 */
export function buildOptNetModel(options: OptNetSudokuOptions = {}): tf.LayersModel {
  const model = tf.sequential();
  model.add(tf.layers.dense({
    inputShape: [ONE_HOT], units: ONE_HOT, useBias: false, trainable: false,
    kernelInitializer: tf.initializers.identity({ gain: -1 }), name: 'negate_puzzle',
  }));
  model.add(optNetLayer({
    name: 'optnet',
    nVariables: ONE_HOT,
    nIneq: ONE_HOT,
    nEq: options.nEq ?? 40,
    inputs: ['p'],
    fixed: { Q: options.qPenalty ?? 0.1, G: -1, h: 0 },
    feasiblePoint: 'positive',
    seed: options.seed,
    onSolverFailure: 'zero-gradient',
    onSolve: options.onSolve,
  }));
  model.compile({ optimizer: tf.train.adam(options.learningRate ?? OPTNET_INITIAL_RATE), loss: 'meanSquaredError', metrics: [boardError] });
  return model;
}

/** Hyperparameters of the convolutional baseline. */
export interface ConvSudokuOptions {
  /** Number of 3x3 conv layers before the output layer; default 4. */
  layers?: number;
  /** Filters per conv layer; default 32. */
  filters?: number;
  /** Adam learning rate; default 1e-3 (as the paper's baselines). */
  learningRate?: number;
  seed?: number;
}

/**
 * A small convolutional baseline (the paper used ten 3x3 layers of 512
 * filters; this keeps the shape at a size two shared cores can train): the
 * board as a 4x4 image with 4 digit channels, `layers` 3x3 same-padded ReLU
 * convolutions (`BoardConv`), a final 3x3 convolution to 4 channels and a
 * softmax over digits,
 * trained with the same mean squared error as the OptNet model.
 */
export function buildConvModel(options: ConvSudokuOptions = {}): tf.LayersModel {
  const { layers = 4, filters = 32, learningRate = 1e-3, seed } = options;
  const model = tf.sequential();
  model.add(tf.layers.reshape({ inputShape: [ONE_HOT], targetShape: [SIZE, SIZE, SIZE] }));
  for (let i = 0; i < layers; i++) model.add(boardConv({ filters, seed: seed === undefined ? undefined : seed + i }));
  model.add(boardConv({ filters: SIZE, relu: false, seed }));
  model.add(tf.layers.softmax({ axis: -1 }));
  model.add(tf.layers.reshape({ targetShape: [ONE_HOT] }));
  model.compile({ optimizer: tf.train.adam(learningRate), loss: 'meanSquaredError', metrics: [boardError] });
  return model;
}
