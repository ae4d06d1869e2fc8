#!/usr/bin/env node
// Entry of `npx optlayers`: runs the TypeScript CLI (src/cli/main.ts) under the
// tsx loader, with the `optlayers-source` export condition so that scripts
// importing 'optlayers', 'optlayers/dsl' or 'optlayers/solvers' get the
// TypeScript sources without a build step.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const tsxLoader = import.meta.resolve('tsx');
const result = spawnSync(
  process.execPath,
  ['--conditions=optlayers-source', '--import', tsxLoader, cli, ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
