import type { GeneratorMode } from './generator.js';
import { SCHEDULES, type ScheduleName } from './lr_schedule.js';
import type { ModelKind } from './models.js';

/** Parsed command line of the Sudoku example. */
export interface SudokuCliArgs {
  /** Epoch budget for both models; default: 5 for OptNet, 20 for the conv baseline (the epoch kept is chosen on validation). */
  readonly epochs: number | undefined;
  /** Seed of the data set and the initialisation; default 1. */
  readonly seed: number;
  /** Models to train or load; default both. */
  readonly models: readonly ModelKind[];
  /** Training / validation / test set sizes; default 9000 / 1000 / 1000 (with --train-file, validation and test are held out of the file). */
  readonly train: number;
  readonly validation: number;
  readonly test: number;
  /** Batch size; default 150 (the paper's). */
  readonly batchSize: number;
  /** Puzzle generator of the generated splits; default 'singles'. */
  readonly generator: GeneratorMode;
  /** Training data from a puzzle file (with solutions) instead of the generator. */
  readonly trainFile: string | undefined;
  /**
   * OptNet learning-rate schedule; default 'decay', chosen on validation by
   * `--models optnet --select` (seed 1, 2026-12-02: best validation error
   * 0.00% with decay vs 0.60% constant; see the README's Sudoku notes).
   */
  readonly schedule: ScheduleName;
  /** Train OptNet once per schedule and keep the one with the lowest validation error. */
  readonly select: boolean;
  /** Puzzle file to evaluate on after training or loading. */
  readonly evalFile: string | undefined;
  /** Directory to save trained models to (one subfolder per model). */
  readonly saveDir: string | undefined;
  /** Directory to load trained models from instead of training. */
  readonly loadDir: string | undefined;
  /** Where the per-epoch figures are written; default sudoku_results.json. */
  readonly out: string;
  /** Where to draw the learning curve (SVG); default: not drawn (`npm run docs:figures` draws it from `out`). */
  readonly curve: string | undefined;
  readonly help: boolean;
}

export const USAGE = `usage: npx tsx --conditions=optlayers-source examples/sudoku/main.ts [options]
  --models optnet|conv|both  which model(s) to train (default both; --model is the same)
  --epochs N                 epoch budget (default 5 for optnet, 20 for conv); the epoch
                             with the lowest validation error is kept
  --seed N                   seed of data set and initialisation (default 1)
  --train N --validation N --test N
                             split sizes (default 9000 / 1000 / 1000); puzzles are unique
                             across (and within) the splits
  --minimal                  generate minimal puzzles: givens removed while the solution
                             stays unique, until none can go (default: the singles generator)
  --train-file FILE          train on the puzzles of FILE (same format as --eval, solutions
                             required); --validation and --test puzzles are held out of it
  --schedule ${SCHEDULES.join('|')}
                             OptNet learning-rate schedule (default decay, chosen on validation;
                             for a new data set run --select)
  --select                   train OptNet with every schedule and keep the best on validation
  --batch-size N             batch size (default 150)
  --eval FILE                also evaluate on {"puzzles": [[16 ints]...], "solutions": [[16 ints]...]}
  --save DIR                 save trained models to DIR/<model>/ (model.json + weights.bin)
  --load DIR                 load models from DIR/<model>/ instead of training
  --out FILE                 per-epoch figures as JSON (default sudoku_results.json)
  --curve FILE               also draw the learning curve as SVG to FILE`;

/** Thrown for a bad command line; the message says which flag. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

function positiveInt(flag: string, value: string | undefined, min = 1): number {
  const v = Number(value);
  if (value === undefined || !Number.isInteger(v) || v < min) throw new CliError(`${flag} needs an integer >= ${min}, got ${value ?? 'nothing'}`);
  return v;
}

/** Parses `argv` (without node and the script). Throws `CliError` naming the flag. */
export function parseSudokuArgs(argv: readonly string[]): SudokuCliArgs {
  let epochs: number | undefined;
  let seed = 1;
  let models: ModelKind[] = ['optnet', 'conv'];
  let train = 9000;
  let validation = 1000;
  let test = 1000;
  let trainSet = false;
  let batchSize = 150;
  let generator: GeneratorMode = 'singles';
  let trainFile: string | undefined;
  let schedule: ScheduleName = 'decay';
  let scheduleSet = false;
  let select = false;
  let evalFile: string | undefined;
  let saveDir: string | undefined;
  let loadDir: string | undefined;
  let out = 'sudoku_results.json';
  let curve: string | undefined;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new CliError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--epochs': epochs = positiveInt(flag, value(), 0); break;
      case '--seed': seed = positiveInt(flag, value(), 0); break;
      case '--train': train = positiveInt(flag, value()); trainSet = true; break;
      case '--validation': validation = positiveInt(flag, value()); break;
      case '--test': test = positiveInt(flag, value()); break;
      case '--batch-size': batchSize = positiveInt(flag, value()); break;
      case '--minimal': generator = 'minimal'; break;
      case '--train-file': trainFile = value(); break;
      case '--schedule': {
        const s = value();
        if (!(SCHEDULES as readonly string[]).includes(s)) throw new CliError(`--schedule must be one of ${SCHEDULES.join(', ')}, got ${s}`);
        schedule = s as ScheduleName;
        scheduleSet = true;
        break;
      }
      case '--select': select = true; break;
      case '--eval': evalFile = value(); break;
      case '--save': saveDir = value(); break;
      case '--load': loadDir = value(); break;
      case '--out': out = value(); break;
      case '--curve': curve = value(); break;
      case '--model': case '--models': {
        const m = value();
        if (m === 'both') models = ['optnet', 'conv'];
        else if (m === 'optnet' || m === 'conv') models = [m];
        else throw new CliError(`${flag} must be optnet, conv or both, got ${m}`);
        break;
      }
      case '--help': case '-h': help = true; break;
      default: throw new CliError(`unknown option ${flag}`);
    }
  }
  if (saveDir !== undefined && loadDir !== undefined && saveDir === loadDir) throw new CliError('--save and --load name the same directory');
  if (trainFile !== undefined && trainSet) throw new CliError('--train sets the size of a generated training set; with --train-file the size is the file\'s (give --validation and --test to size the held-out parts)');
  if (select && scheduleSet) throw new CliError('--select tries every schedule; drop --schedule or --select');
  if (select && loadDir !== undefined) throw new CliError('--select trains models; it cannot be combined with --load');
  if (curve !== undefined && loadDir !== undefined) throw new CliError('--curve draws the training curve; with --load nothing is trained');
  return { epochs, seed, models, train, validation, test, batchSize, generator, trainFile, schedule, select, evalFile, saveDir, loadDir, out, curve, help };
}
