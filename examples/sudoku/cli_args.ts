import type { ModelKind } from './models.js';

/** Parsed command line of the Sudoku example. */
export interface SudokuCliArgs {
  /** Epochs for both models; default: 5 for OptNet, 20 for the conv baseline. */
  readonly epochs: number | undefined;
  /** Seed of the data set and the initialisation; default 1. */
  readonly seed: number;
  /** Models to train or load; default both. */
  readonly models: readonly ModelKind[];
  /** Training / test set sizes; default 9000 / 1000. */
  readonly train: number;
  readonly test: number;
  /** Batch size; default 150 (the paper's). */
  readonly batchSize: number;
  /** Puzzle file to evaluate on after training or loading. */
  readonly evalFile: string | undefined;
  /** Directory to save trained models to (one subfolder per model). */
  readonly saveDir: string | undefined;
  /** Directory to load trained models from instead of training. */
  readonly loadDir: string | undefined;
  /** Where the per-epoch figures are written; default sudoku_results.json. */
  readonly out: string;
  readonly help: boolean;
}

export const USAGE = `usage: npx tsx examples/sudoku/main.ts [options]
  --model optnet|conv|both   which model(s) to train (default both)
  --epochs N                 training epochs (default 5 for optnet, 20 for conv)
  --seed N                   seed of data set and initialisation (default 1)
  --train N --test N         data set sizes (default 9000 / 1000)
  --batch-size N             batch size (default 150)
  --eval FILE                also evaluate on {"puzzles": [[16 ints]...], "solutions": [[16 ints]...]}
  --save DIR                 save trained models to DIR/<model>/ (model.json + weights.bin)
  --load DIR                 load models from DIR/<model>/ instead of training
  --out FILE                 per-epoch figures as JSON (default sudoku_results.json)`;

/** Thrown for a bad command line; the message says which flag. */
export class CliError extends Error {}

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
  let test = 1000;
  let batchSize = 150;
  let evalFile: string | undefined;
  let saveDir: string | undefined;
  let loadDir: string | undefined;
  let out = 'sudoku_results.json';
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
      case '--train': train = positiveInt(flag, value()); break;
      case '--test': test = positiveInt(flag, value()); break;
      case '--batch-size': batchSize = positiveInt(flag, value()); break;
      case '--eval': evalFile = value(); break;
      case '--save': saveDir = value(); break;
      case '--load': loadDir = value(); break;
      case '--out': out = value(); break;
      case '--model': {
        const m = value();
        if (m === 'both') models = ['optnet', 'conv'];
        else if (m === 'optnet' || m === 'conv') models = [m];
        else throw new CliError(`--model must be optnet, conv or both, got ${m}`);
        break;
      }
      case '--help': case '-h': help = true; break;
      default: throw new CliError(`unknown option ${flag}`);
    }
  }
  if (saveDir !== undefined && loadDir !== undefined && saveDir === loadDir) throw new CliError('--save and --load name the same directory');
  return { epochs, seed, models, train, test, batchSize, evalFile, saveDir, loadDir, out, help };
}
