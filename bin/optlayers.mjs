#!/usr/bin/env node
// Entry of `npx optlayers`. The installed package runs the compiled CLI
// (dist/src/cli/main.js) directly; a source checkout (src/cli/main.ts next to
// this folder) runs the TypeScript CLI under tsx, a devDependency there.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const source = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
if (existsSync(source)) {
  const tsx = import.meta.resolve('tsx');
  const r = spawnSync(process.execPath, ['--conditions=optlayers-source', '--import', tsx, source, ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  process.exit(r.status ?? 1);
} else {
  await import(new URL('../dist/src/cli/main.js', import.meta.url).href);
}
