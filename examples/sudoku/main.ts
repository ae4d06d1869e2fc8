/**
 * The OptNet Sudoku experiment (Amos & Kolter 2017, section 5.3) on 4x4
 * boards: learn the rules of Sudoku from puzzle/solution pairs alone, with an
 * OptNet QP layer whose equality constraints A z = b are learned, against a
 * small convolutional baseline. Run: npx tsx examples/sudoku/main.ts --help
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { init } from '../../src/init.js';
import type { QpSolveReport } from '../../src/qp/qp_options.js';
import { formatBoard } from './board.js';
import { CliError, USAGE, parseSudokuArgs, type SudokuCliArgs } from './cli_args.js';
import { encodeSet, type EncodedSet } from './encoding.js';
import { generatePuzzles } from './generator.js';
import { decodeArgmax } from './metric.js';
import { loadModel, saveModel } from './model_io.js';
import { buildConvModel, buildOptNetModel, optNetLearningRate, type ModelKind } from './models.js';
import { Prng } from './prng.js';
import { PuzzleFileError, readPuzzleFile } from './puzzle_file.js';
import { evaluate, trainModel, type EpochRecord } from './train.js';

const DEFAULT_EPOCHS: Readonly<Record<ModelKind, number>> = { optnet: 5, conv: 20 };

interface ModelReport {
  epochs: EpochRecord[];
  trainSeconds: number;
  evalFile?: { file: string; puzzles: number; error: number; loss: number | null };
}

/** Interior point statistics of the OptNet model's solves, reset every epoch. */
class SolverStats {
  private examples = 0;
  private iterations = 0;
  private maxIterations = 0;
  private failed = 0;

  add(report: QpSolveReport): void {
    this.examples += report.batch;
    for (const it of report.iterations) {
      this.iterations += it;
      this.maxIterations = Math.max(this.maxIterations, it);
    }
    this.failed += report.failed.length;
  }

  summary(): string {
    const mean = this.examples > 0 ? this.iterations / this.examples : 0;
    return `${mean.toFixed(1)} iterations/solve (max ${this.maxIterations}), ${this.failed} of ${this.examples} solves failed`;
  }

  reset(): void {
    this.examples = this.iterations = this.maxIterations = this.failed = 0;
  }
}

const solver = new SolverStats();

function load(): string {
  return loadavg().map((l) => l.toFixed(2)).join(' ');
}

async function run(args: SudokuCliArgs): Promise<void> {
  // Read the --eval file first so that a bad file fails before any training.
  const evalPairs = args.evalFile === undefined ? undefined : readPuzzleFile(args.evalFile);
  const backend = await init();
  console.log(`backend ${backend.backend}; ${cpus().length} cores; load average ${load()}`);
  let t0 = performance.now();
  const rng = new Prng(args.seed);
  const pairs = generatePuzzles(rng, args.train + args.test);
  const train = encodeSet(pairs.slice(0, args.train));
  const test = encodeSet(pairs.slice(args.train));
  console.log(`generated ${args.train} training and ${args.test} test puzzles (seed ${args.seed}) in ${((performance.now() - t0) / 1000).toFixed(1)} s; example:\n${formatBoard(pairs[0]!.puzzle)}\n`);
  const evalSet: EncodedSet | undefined = evalPairs === undefined ? undefined : encodeSet(evalPairs);
  const hasSolutions = evalSet !== undefined && evalSet.pairs.every((p) => p.solution.length > 0);

  const results: Record<string, unknown> = { seed: args.seed, train: args.train, test: args.test, batchSize: args.batchSize, cores: cpus().length, loadAverageStart: loadavg(), models: {} };
  const reports = results['models'] as Record<string, ModelReport>;
  for (const kind of args.models) {
    let model: tf.LayersModel;
    let epochs: EpochRecord[] = [];
    t0 = performance.now();
    if (args.loadDir !== undefined) {
      model = await loadModel(join(args.loadDir, kind));
      const { loss, error } = evaluate(model, test);
      console.log(`${kind}: loaded from ${join(args.loadDir, kind)}; test error ${(100 * error).toFixed(2)}% (loss ${loss.toFixed(4)})`);
    } else {
      model = kind === 'optnet' ? buildOptNetModel({ seed: args.seed, onSolve: (r) => solver.add(r) }) : buildConvModel({ seed: args.seed });
      const nEpochs = args.epochs ?? DEFAULT_EPOCHS[kind];
      console.log(`${kind}: ${model.countParams()} parameters, ${nEpochs} epochs, batch ${args.batchSize}`);
      epochs = await trainModel(model, train, test, {
        epochs: nEpochs,
        batchSize: args.batchSize,
        label: kind,
        rng: new Prng(args.seed + 1),
        learningRate: kind === 'optnet' ? (e) => optNetLearningRate(e) : undefined,
        onEpoch: (r) => {
          const lr = Number.isNaN(r.learningRate) ? '' : `lr ${r.learningRate.toPrecision(2)} `;
          const trainPart = r.epoch === 0 ? 'untrained' : `${lr}train loss ${r.trainLoss.toFixed(4)} error ${(100 * r.trainError).toFixed(2)}% (${r.trainSeconds.toFixed(1)} s)`;
          const solverPart = kind === 'optnet' ? ` | QP: ${solver.summary()}` : '';
          console.log(`${kind} epoch ${r.epoch}: ${trainPart} | test loss ${r.testLoss.toFixed(4)} error ${(100 * r.testError).toFixed(2)}% (${r.evalSeconds.toFixed(1)} s)${solverPart} | cpu ${r.cpuSeconds.toFixed(1)} s, load ${load()}`);
          solver.reset();
        },
      });
      if (args.saveDir !== undefined) {
        await saveModel(model, join(args.saveDir, kind));
        console.log(`${kind}: saved to ${join(args.saveDir, kind)}`);
      }
    }
    const report: ModelReport = { epochs, trainSeconds: (performance.now() - t0) / 1000 };
    if (evalSet !== undefined) {
      const { loss, error } = evaluate(model, evalSet);
      report.evalFile = { file: args.evalFile!, puzzles: evalSet.pairs.length, error, loss: hasSolutions ? loss : null };
      console.log(`${kind}: ${args.evalFile}: error ${(100 * error).toFixed(2)}% on ${evalSet.pairs.length} puzzles`);
      const first = tf.tidy(() => (model.predict(evalSet.x.slice([0, 0], [1, -1])) as tf.Tensor).dataSync());
      console.log(`first puzzle and ${kind}'s answer:\n${formatBoard(evalSet.pairs[0]!.puzzle)}\n=>\n${formatBoard(decodeArgmax(first))}`);
    }
    reports[kind] = report;
    model.dispose();
    console.log('');
  }
  results['loadAverageEnd'] = loadavg();
  writeFileSync(args.out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`per-epoch figures written to ${args.out}`);
  for (const set of [train, test, evalSet]) {
    set?.x.dispose();
    set?.y.dispose();
  }
}

try {
  const args = parseSudokuArgs(process.argv.slice(2));
  if (args.help) console.log(USAGE);
  else await run(args);
} catch (e) {
  if (e instanceof CliError || e instanceof PuzzleFileError) {
    console.error(`error: ${e.message}`);
    if (e instanceof CliError) console.error(USAGE);
    process.exitCode = 2;
  } else {
    throw e;
  }
}
