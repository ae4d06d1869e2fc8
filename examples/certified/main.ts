/**
 * Certified robustness on MNIST at ℓ∞ ε = 0.1 (pixels in [0, 1]), two ways:
 *
 * - convex: a dense ReLU network (with --conv: conv 16@4x4/2, conv 32@4x4/2,
 *   dense 100 as in the paper) trained on the robust loss of Wong & Kolter
 *   (ICML 2018, the LP relaxation's dual network) and a normally trained twin
 *   (`convex_section.ts`);
 * - ibp: an IBP-trained monotone DEQ and an IBP-trained explicit network
 *   (`ibp_section.ts`).
 *
 *   npm run example:certified -- [--train 8000] [--val 1000] [--test 1000] [--seed 1]
 *       [--sections convex,ibp] [--epochs 10] [--hidden 64,64] [--max-train-seconds 300]
 *       [--conv] [--conv-filters 16,32] [--batch-size 50]
 *       [--ibp-epochs N] [--out out/certified]
 *
 * Data: the 10,000 digits of the `mnist` package, one seeded train / val /
 * test split shared by both sections; every choice (epoch kept) is made on
 * val, test is used once. Writes results.json and training_curves.svg to
 * --out and prints the JSON summary last.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { init } from 'optlayers';
import { stageProgressBars } from '../common/progress.js';
import { renderSvg, type Panel } from '../common/svg_plot.js';
import { runConvexSection, type ConvexSectionOptions, type ConvexSectionResult } from './convex_section.js';
import { loadCertifiedData } from './data.js';
import { runIbpSection, type IbpSectionOptions, type IbpSectionResult } from './ibp_section.js';

const SECTIONS = ['convex', 'ibp'] as const;
type Section = (typeof SECTIONS)[number];

interface Flags {
  train: number;
  val: number;
  test: number;
  seed: number;
  sections: Section[];
  out: string;
  convex: ConvexSectionOptions;
  ibp: IbpSectionOptions;
}

function parseFlags(argv: string[]): Flags {
  const flags: Flags = { train: 8000, val: 1000, test: 1000, seed: 1, sections: [...SECTIONS], out: 'out/certified', convex: {}, ibp: {} };
  const known = '--train --val --test --seed --sections --epochs --hidden --conv --conv-filters --batch-size --max-train-seconds --ibp-epochs --out';
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i]!;
    if (key === '--conv') {
      // The one flag without a value.
      flags.convex.conv = true;
      i -= 1;
      continue;
    }
    const raw = argv[i + 1];
    if (raw === undefined) throw new Error(`flag ${key} needs a value (flags: ${known})`);
    const value = Number(raw);
    const numeric = (): number => {
      if (!Number.isFinite(value)) throw new Error(`flag ${key} needs a number, got ${raw}`);
      return value;
    };
    switch (key) {
      case '--train': flags.train = numeric(); break;
      case '--val': flags.val = numeric(); break;
      case '--test': flags.test = numeric(); break;
      case '--seed': flags.seed = numeric(); flags.convex.seed = value; flags.ibp.seed = value; break;
      case '--epochs': flags.convex.epochs = numeric(); break;
      case '--hidden': flags.convex.hidden = raw.split(',').map(Number); break;
      case '--conv-filters': flags.convex.convFilters = raw.split(',').map(Number); break;
      case '--batch-size': flags.convex.batchSize = numeric(); break;
      case '--max-train-seconds': flags.convex.maxTrainSeconds = numeric(); break;
      case '--ibp-epochs': flags.ibp.epochs = numeric(); break;
      case '--out': flags.out = raw; break;
      case '--sections': {
        const names = raw.split(',');
        const unknown = names.filter((n) => !(SECTIONS as readonly string[]).includes(n));
        if (unknown.length > 0 || names.length === 0) throw new Error(`--sections takes a comma list of ${SECTIONS.join(', ')}, got ${raw}`);
        flags.sections = names as Section[];
        break;
      }
      default: throw new Error(`unknown flag ${key} (flags: ${known})`);
    }
  }
  return flags;
}

function curves(convex: ConvexSectionResult): Panel[] {
  const { robust, normal } = convex;
  const epochs = (h: readonly { epoch: number }[]): number[] => h.map((r) => r.epoch);
  return [
    {
      title: 'Training loss per epoch',
      x: epochs(robust.history),
      xLabel: 'epoch',
      yLabel: 'loss',
      series: [
        { label: 'robust: CE(−J_ε) at the scheduled ε', y: robust.history.map((r) => r.trainLoss) },
        { label: 'robust: scheduled ε × 10', y: robust.history.map((r) => r.epsilon * 10), dashed: true },
      ],
    },
    {
      title: `Validation error (certified at ε = ${convex.epsilon})`,
      x: epochs(robust.history),
      xLabel: 'epoch',
      yLabel: 'error (fraction of val)',
      series: [
        { label: 'robust: clean', y: robust.history.map((r) => r.valCleanError) },
        { label: 'robust: certified bound', y: robust.history.map((r) => r.valCertifiedError ?? Number.NaN) },
        { label: 'normal twin: clean', y: normal.history.map((r) => r.valCleanError), dashed: true },
      ],
    },
  ];
}

function pct(v: number): string {
  return `${(100 * v).toFixed(1)}%`;
}

const flags = parseFlags(process.argv.slice(2));
const backend = await init();
const started = performance.now();
const data = loadCertifiedData({ train: flags.train, val: flags.val, test: flags.test, seed: flags.seed });
console.log(`MNIST (mnist package): ${data.train.n} train / ${data.val.n} val / ${data.test.n} test, sections ${flags.sections.join(',')}, backend ${backend.backend}`);
const progress = stageProgressBars();
const results: { convex?: ConvexSectionResult; ibp?: IbpSectionResult } = {};
if (flags.sections.includes('convex')) {
  results.convex = await runConvexSection(data, flags.convex, progress);
  for (const m of [results.convex.robust, results.convex.normal]) {
    console.log(
      `convex ${m.name}: clean ${pct(m.cleanError)}, PGD ${pct(m.pgdError)}, certified bound ${pct(m.certifiedError)} ` +
        `(epoch ${m.selectedEpoch}/${m.epochsRun}, ${m.parameters} params, train ${m.trainSeconds.toFixed(0)} s)`,
    );
  }
}
if (flags.sections.includes('ibp')) {
  results.ibp = await runIbpSection(data, flags.ibp, progress);
  for (const m of [results.ibp.monDeq, results.ibp.explicit]) {
    console.log(`ibp ${m.name}: clean ${pct(m.cleanError)}, PGD ${pct(m.pgdError)}, certified ${pct(m.certifiedError)} (${m.parameters} params)`);
  }
}
mkdirSync(flags.out, { recursive: true });
const summary = { date: new Date().toISOString(), backend: backend.backend, seconds: (performance.now() - started) / 1000, split: { train: data.train.n, val: data.val.n, test: data.test.n, seed: flags.seed }, ...results };
writeFileSync(join(flags.out, 'results.json'), JSON.stringify(summary, null, 2));
if (results.convex) writeFileSync(join(flags.out, 'training_curves.svg'), renderSvg(curves(results.convex)));
console.log(`wrote ${join(flags.out, 'results.json')}${results.convex ? ` and ${join(flags.out, 'training_curves.svg')}` : ''}`);
console.log(JSON.stringify(summary));
