/**
 * The OptNet Sudoku experiment (Amos & Kolter 2017, section 5.3) on 4x4
 * boards: learn the rules of Sudoku from puzzle/solution pairs alone, with an
 * OptNet QP layer whose equality constraints A z = b are learned, against a
 * small convolutional baseline.
 *
 * Protocol: disjoint train / validation / test splits (no puzzle in two
 * splits); the learning-rate schedule (`--select`) and the epoch kept (early
 * stopping) are chosen on validation; the test splits are evaluated once, at
 * the end, after every choice is made.
 *
 * Run: npx tsx --conditions=optlayers-source examples/sudoku/main.ts --help
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { init } from 'optlayers';
import { formatBoard, type Board } from './board.js';
import { CliError, USAGE, parseSudokuArgs, type SudokuCliArgs } from './cli_args.js';
import { SplitError, assertDisjoint, distinctPuzzles, generateSplits, puzzleKey, splitPairs, type DataSplits } from './dataset_splits.js';
import { encodeSet, type EncodedSet } from './encoding.js';
import type { GeneratorMode, SudokuPair } from './generator.js';
import { SCHEDULES, scheduledRate, type ScheduleName } from './lr_schedule.js';
import { renderSvg } from '../common/svg_plot.js';
import { learningCurvePanels, type SudokuResultsJson } from './learning_curve.js';
import { decodeArgmax } from './metric.js';
import { loadModel, saveModel } from './model_io.js';
import { buildConvModel, buildOptNetModel, type ModelKind } from './models.js';
import { Prng } from './prng.js';
import { PuzzleFileError, readPuzzleFile } from './puzzle_file.js';
import { SolverStats } from './solver_stats.js';
import { evaluate, trainModel, type EpochRecord } from './train.js';

const DEFAULT_EPOCHS: Readonly<Record<ModelKind, number>> = { optnet: 5, conv: 20 };

/** One training run of a model (one schedule, for OptNet). */
interface Candidate {
  schedule: ScheduleName | 'adam-1e-3';
  epochs: EpochRecord[];
  bestEpoch: number;
  bestValidationError: number;
  trainSeconds: number;
}

interface ModelReport {
  candidates: Candidate[];
  chosen: Candidate | undefined;
  test: Record<string, { puzzles: number; error: number; loss: number | null }>;
}

const solver = new SolverStats();
const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');
const pct = (v: number): string => `${(100 * v).toFixed(2)}%`;
const meanGivens = (pairs: readonly SudokuPair[]): number => pairs.reduce((s, p) => s + p.puzzle.filter((d) => d !== 0).length, 0) / Math.max(1, pairs.length);

/** The three splits, plus test sets from the generator(s) not used for them, all disjoint. */
function buildData(args: SudokuCliArgs): { splits: DataSplits; source: string; extraTests: Record<string, SudokuPair[]> } {
  const rng = new Prng(args.seed);
  const seen = new Set<string>();
  let splits: DataSplits;
  let source: string;
  let extraModes: GeneratorMode[];
  if (args.trainFile !== undefined) {
    const pairs = readPuzzleFile(args.trainFile);
    const missing = pairs.findIndex((p) => p.solution.length === 0);
    if (missing >= 0) throw new PuzzleFileError(args.trainFile, `--train-file needs "solutions" (puzzles[${missing}] has none)`);
    splits = splitPairs(pairs, { validation: args.validation, test: args.test }, rng);
    for (const set of [splits.train, splits.validation, splits.test]) for (const p of set) seen.add(puzzleKey(p.puzzle));
    source = `file ${args.trainFile}`;
    extraModes = ['singles', 'minimal'];
  } else {
    splits = generateSplits(rng, args, args.generator, seen);
    source = `the ${args.generator} generator`;
    extraModes = args.generator === 'singles' ? ['minimal'] : ['singles'];
  }
  const extraTests: Record<string, SudokuPair[]> = {};
  for (const mode of extraModes) extraTests[`test (${mode} generator)`] = distinctPuzzles(rng, args.test, mode, seen).pairs;
  assertDisjoint({ train: splits.train, validation: splits.validation, test: splits.test, ...extraTests });
  return { splits, source, extraTests };
}

/** Lower validation error wins; ties go to the lower validation loss at the kept epoch, then to the earlier candidate. */
function betterCandidate(a: Candidate, b: Candidate): boolean {
  const la = a.epochs[a.bestEpoch]!.validationLoss;
  const lb = b.epochs[b.bestEpoch]!.validationLoss;
  return a.bestValidationError < b.bestValidationError || (a.bestValidationError === b.bestValidationError && la < lb);
}

function printEpoch(kind: ModelKind, r: EpochRecord): void {
  const lr = Number.isNaN(r.learningRate) ? '' : `lr ${r.learningRate.toPrecision(2)} `;
  const trainPart = r.epoch === 0 ? 'untrained' : `${lr}train loss ${r.trainLoss.toFixed(4)} error ${pct(r.trainError)} (${r.trainSeconds.toFixed(1)} s)`;
  const solverPart = kind === 'optnet' ? ` | QP: ${solver.summary()}` : '';
  console.log(`${kind} epoch ${r.epoch}: ${trainPart} | validation loss ${r.validationLoss.toFixed(4)} error ${pct(r.validationError)} (${r.evalSeconds.toFixed(1)} s)${solverPart} | cpu ${r.cpuSeconds.toFixed(1)} s, load ${load()}`);
  solver.reset();
}

/** Trains `kind` (once per schedule for OptNet with --select) and returns the model chosen on validation. */
async function trainChosen(kind: ModelKind, args: SudokuCliArgs, train: EncodedSet, validation: EncodedSet): Promise<{ model: tf.LayersModel; candidates: Candidate[]; chosen: Candidate }> {
  const schedules: readonly (ScheduleName | 'adam-1e-3')[] = kind === 'conv' ? ['adam-1e-3'] : args.select ? SCHEDULES : [args.schedule];
  const nEpochs = args.epochs ?? DEFAULT_EPOCHS[kind];
  const candidates: Candidate[] = [];
  let best: { model: tf.LayersModel; candidate: Candidate } | undefined;
  for (const schedule of schedules) {
    const model = kind === 'optnet' ? buildOptNetModel({ seed: args.seed, onSolve: (r) => solver.add(r) }) : buildConvModel({ seed: args.seed });
    console.log(`${kind}${schedule === 'adam-1e-3' ? '' : ` (schedule ${schedule})`}: ${model.countParams()} parameters, up to ${nEpochs} epochs, batch ${args.batchSize}`);
    const t0 = performance.now();
    const result = await trainModel(model, train, validation, {
      epochs: nEpochs,
      batchSize: args.batchSize,
      label: kind,
      rng: new Prng(args.seed + 1),
      learningRate: schedule === 'adam-1e-3' ? undefined : (e) => scheduledRate(schedule, e),
      onEpoch: (r) => printEpoch(kind, r),
    });
    const candidate: Candidate = {
      schedule, epochs: result.epochs, bestEpoch: result.bestEpoch,
      bestValidationError: result.epochs[result.bestEpoch]!.validationError, trainSeconds: (performance.now() - t0) / 1000,
    };
    candidates.push(candidate);
    console.log(`${kind}: kept epoch ${candidate.bestEpoch} (validation error ${pct(candidate.bestValidationError)}); trained in ${candidate.trainSeconds.toFixed(1)} s\n`);
    if (best === undefined || betterCandidate(candidate, best.candidate)) {
      best?.model.dispose();
      best = { model, candidate };
    } else {
      model.dispose();
    }
  }
  if (candidates.length > 1) console.log(`${kind}: schedule chosen on validation: ${best!.candidate.schedule} (${candidates.map((c) => `${c.schedule} ${pct(c.bestValidationError)}`).join(', ')})\n`);
  return { model: best!.model, candidates, chosen: best!.candidate };
}

async function run(args: SudokuCliArgs): Promise<void> {
  const wall0 = performance.now();
  // Read the --eval file first so that a bad file fails before any training.
  const evalPairs = args.evalFile === undefined ? undefined : readPuzzleFile(args.evalFile);
  const backend = await init();
  console.log(`backend ${backend.backend}; ${cpus().length} cores; load average ${load()}`);
  const t0 = performance.now();
  const { splits, source, extraTests } = buildData(args);
  const named: Record<string, readonly SudokuPair[]> = { train: splits.train, validation: splits.validation, test: splits.test, ...extraTests };
  console.log(`data from ${source}: ${Object.entries(named).map(([k, v]) => `${k} ${v.length} (mean ${meanGivens(v).toFixed(2)} givens)`).join(', ')}; ${splits.duplicatesDropped} repeated puzzles dropped, no puzzle in two sets (${((performance.now() - t0) / 1000).toFixed(1)} s); example:\n${formatBoard(splits.train[0]!.puzzle)}\n`);
  const encoded: Record<string, EncodedSet> = Object.fromEntries(Object.entries(named).map(([k, v]) => [k, encodeSet(v)]));
  if (evalPairs !== undefined) encoded[args.evalFile!] = encodeSet(evalPairs);
  const testNames = Object.keys(encoded).filter((k) => k !== 'train' && k !== 'validation');

  const results: Record<string, unknown> = {
    date: new Date().toISOString(), seed: args.seed, source, generator: args.trainFile === undefined ? args.generator : null,
    sizes: Object.fromEntries(Object.entries(named).map(([k, v]) => [k, v.length])), meanGivens: Object.fromEntries(Object.entries(named).map(([k, v]) => [k, meanGivens(v)])),
    duplicatesDropped: splits.duplicatesDropped, batchSize: args.batchSize, cores: cpus().length, loadAverageStart: loadavg(), models: {},
  };
  const reports = results['models'] as Record<string, ModelReport>;
  const trained: [ModelKind, tf.LayersModel][] = [];
  for (const kind of args.models) {
    if (args.loadDir !== undefined) {
      trained.push([kind, await loadModel(join(args.loadDir, kind))]);
      console.log(`${kind}: loaded from ${join(args.loadDir, kind)}`);
      reports[kind] = { candidates: [], chosen: undefined, test: {} };
      continue;
    }
    const { model, candidates, chosen } = await trainChosen(kind, args, encoded['train']!, encoded['validation']!);
    trained.push([kind, model]);
    reports[kind] = { candidates, chosen, test: {} };
    if (args.saveDir !== undefined) {
      await saveModel(model, join(args.saveDir, kind));
      console.log(`${kind}: saved to ${join(args.saveDir, kind)}`);
    }
  }

  // Every choice is made: the test sets are looked at now, once.
  console.log('test error (evaluated once, after all choices were made on validation):');
  for (const [kind, model] of trained) {
    for (const name of testNames) {
      const set = encoded[name]!;
      const hasSolutions = set.pairs.every((p) => p.solution.length > 0);
      const { loss, error } = evaluate(model, set);
      reports[kind]!.test[name] = { puzzles: set.pairs.length, error, loss: hasSolutions ? loss : null };
      console.log(`  ${kind.padEnd(6)} ${name.padEnd(28)} ${pct(error).padStart(7)} of ${set.pairs.length} puzzles`);
    }
    if (evalPairs !== undefined) {
      const first = tf.tidy(() => (model.predict(encoded[args.evalFile!]!.x.slice([0, 0], [1, -1])) as tf.Tensor).dataSync());
      console.log(`first puzzle of ${args.evalFile} and ${kind}'s answer:\n${formatBoard(evalPairs[0]!.puzzle)}\n=>\n${formatBoard(decodeArgmax(first) as Board)}`);
    }
    model.dispose();
  }
  const totalSeconds = (performance.now() - wall0) / 1000;
  results['loadAverageEnd'] = loadavg();
  results['totalSeconds'] = totalSeconds;
  const json = JSON.stringify(results, null, 2);
  writeFileSync(args.out, `${json}\n`);
  console.log(`\ntotal wall time ${totalSeconds.toFixed(1)} s (${args.models.join(' + ')}); load average ${load()}; per-epoch figures written to ${args.out}`);
  if (args.curve !== undefined) {
    writeFileSync(args.curve, renderSvg(learningCurvePanels(JSON.parse(json) as SudokuResultsJson), 2));
    console.log(`learning curve written to ${args.curve}`);
  }
  for (const set of Object.values(encoded)) tf.dispose([set.x, set.y]);
}

try {
  const args = parseSudokuArgs(process.argv.slice(2));
  if (args.help) console.log(USAGE);
  else await run(args);
} catch (e) {
  if (e instanceof CliError || e instanceof PuzzleFileError || e instanceof SplitError) {
    console.error(`error: ${e.message}`);
    if (e instanceof CliError) console.error(USAGE);
    process.exitCode = 2;
  } else {
    throw e;
  }
}
