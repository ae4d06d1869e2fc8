/**
 * The Sudoku learning curve as SVG panels, from the results JSON that
 * main.ts writes: per model, the board error on the training batches (measured
 * while training) and on the validation split after every epoch, with the
 * epoch kept (lowest validation error) in the legend and the test error
 * measured once at the end in the title.
 */
import type { Panel } from '../common/svg_plot.js';

/** The parts of main.ts's results JSON the curve needs. */
export interface SudokuResultsJson {
  readonly models: Readonly<Record<string, {
    readonly chosen?: {
      readonly schedule: string;
      readonly bestEpoch: number;
      readonly epochs: readonly { readonly epoch: number; readonly trainError: number | null; readonly validationError: number }[];
    };
    readonly test: Readonly<Record<string, { readonly error: number }>>;
  }>>;
}

const LABELS: Readonly<Record<string, string>> = { optnet: 'OptNet', conv: 'conv net' };

/** One panel per trained model; throws if the JSON has no trained model. */
export function learningCurvePanels(results: SudokuResultsJson): Panel[] {
  const panels: Panel[] = [];
  for (const [kind, report] of Object.entries(results.models)) {
    const chosen = report.chosen;
    if (chosen === undefined) continue;
    const epochs = chosen.epochs;
    const test = report.test['test'];
    const name = LABELS[kind] ?? kind;
    panels.push({
      title: `${name}${test === undefined ? '' : `: test error ${(100 * test.error).toFixed(2)}% (measured once)`}`,
      x: epochs.map((e) => e.epoch),
      xLabel: 'epoch',
      yLabel: 'board error [%]',
      series: [
        // JSON turns the untrained epoch's NaN into null: leave a gap there.
        { label: 'training batches', y: epochs.map((e) => (e.trainError === null ? NaN : 100 * e.trainError)), color: '#ff7f0e', dashed: true },
        { label: `validation (epoch ${chosen.bestEpoch} kept)`, y: epochs.map((e) => 100 * e.validationError), color: '#1f77b4' },
      ],
    });
  }
  if (panels.length === 0) throw new Error('the Sudoku results hold no trained model (was it run with --load?)');
  return panels;
}
