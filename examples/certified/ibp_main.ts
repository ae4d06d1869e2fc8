/**
 * Standalone run of the IBP section of the certified example:
 *
 *   npx tsx --conditions=optlayers-source examples/certified/ibp_main.ts [--train 2000] [--val 500] [--test 1000]
 *       [--epochs 3] [--epsilon 0.1] [--units 64] [--batch 50] [--seed 1]
 *
 * Progress bars go to stdout while training; the last line is one JSON object
 * with the figures (errors are fractions of the test split).
 */
import { init } from 'optlayers';
import { loadCertifiedData } from './data.js';
import { runIbpSection, type IbpSectionOptions } from './ibp_section.js';

function parseFlags(argv: string[]): { train: number; val: number; test: number; seed: number; section: IbpSectionOptions } {
  const flags = { train: 2000, val: 500, test: 1000, seed: 1 };
  const section: IbpSectionOptions = {};
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i];
    const value = Number(argv[i + 1]);
    if (!Number.isFinite(value)) throw new Error(`flag ${key} needs a number, got ${argv[i + 1]}`);
    switch (key) {
      case '--train': flags.train = value; break;
      case '--val': flags.val = value; break;
      case '--test': flags.test = value; break;
      case '--seed': flags.seed = value; section.seed = value; break;
      case '--epochs': section.epochs = value; break;
      case '--epsilon': section.epsilon = value; break;
      case '--units': section.units = value; break;
      case '--batch': section.batchSize = value; break;
      default: throw new Error(`unknown flag ${key} (known: --train --val --test --epochs --epsilon --units --batch --seed)`);
    }
  }
  return { ...flags, section };
}

const flags = parseFlags(process.argv.slice(2));
const backend = await init();
const data = loadCertifiedData({ train: flags.train, val: flags.val, test: flags.test, seed: flags.seed });
const started = performance.now();
const result = await runIbpSection(data, flags.section);
console.log(JSON.stringify({ section: 'ibp', backend, totalSeconds: (performance.now() - started) / 1000, ...result }));
