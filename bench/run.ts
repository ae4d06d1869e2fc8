/**
 * Benchmark dispatcher: `npm run bench -- NAME [args]` runs bench/NAME.ts,
 * which prints one JSON object per case on stdout. With no name, runs all.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.startsWith('_'))
  .map((f) => f.slice(0, -3))
  .sort();

const [name, ...rest] = process.argv.slice(2);
const selected = name ? [name] : available;
for (const n of selected) {
  if (!available.includes(n)) {
    console.error(`unknown benchmark '${n}'; available: ${available.join(', ')}`);
    process.exit(2);
  }
}
for (const n of selected) {
  const mod = (await import(join(here, `${n}.ts`))) as { main: (args: string[]) => Promise<void> };
  await mod.main(rest);
}
