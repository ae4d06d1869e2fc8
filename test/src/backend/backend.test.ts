import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..', '..');
const fixtures = resolve(import.meta.dirname, 'fixtures');
const scratch = mkdtempSync(join(tmpdir(), 'optlayers-backend-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs a fixture in a fresh Node process (tfjs' engine is process-global), returning its JSON line. */
function runFixture(name: string, args: string[] = [], env: Record<string, string> = {}): Record<string, any> {
  const r = spawnSync(process.execPath, ['--conditions=optlayers-source', '--import', 'tsx', join(fixtures, name), ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 90_000,
    env: { ...process.env, OPTLAYERS_BACKEND: '', ...env },
  });
  expect(r.status, r.stderr).toBe(0);
  const line = r.stdout.trim().split('\n').pop()!;
  return JSON.parse(line);
}

describe('selectBackend / init backend choice', () => {
  it('keeps a backend the user set, switches only when asked, accepts any registered name and rejects unknown ones', () => {
    const out = runFixture('backend_choice.ts');
    expect(out.keptCpu).toMatchObject({ backend: 'cpu', kept: true });
    expect(out.keptCpu.reason).toMatch(/kept 'cpu', already active/);
    expect(out.activeAfterKeep).toBe('cpu');
    expect(out.forcedWasm).toMatchObject({ backend: 'wasm', kept: false, reason: 'forced wasm by option' });
    expect(out.activeAfterForce).toBe('wasm');
    expect(out.again).toMatchObject({ backend: 'wasm' });
    expect(out.custom).toMatchObject({ backend: 'my-cpu', source: 'registered', kept: false });
    expect(out.activeAfterCustom).toBe('my-cpu');
    expect(out.unregistered.error).toBe('ValueError');
    expect(out.unregistered.message).toMatch(/unknown backend 'webgpu'.*not registered.*registered: .*my-cpu/);
    expect(out.emptyName.error).toBe('ValueError');
  });

  it('picks the best installed backend when none is active (wasm here: no tfjs-node installed)', () => {
    const out = runFixture('auto_choice.ts');
    expect(out.choice).toMatchObject({ backend: 'wasm', kept: false });
    expect(out.active).toBe('wasm');
  });

  it('honours OPTLAYERS_BACKEND over an already active backend', () => {
    const out = runFixture('auto_choice.ts', [], { OPTLAYERS_BACKEND: 'cpu' });
    expect(out.choice).toMatchObject({ backend: 'cpu', reason: `forced cpu by OPTLAYERS_BACKEND` });
  });

  it('names the problem when a second copy of tfjs-core created the engine', () => {
    // A byte-identical copy at another path is a second module instance, as a nested node_modules install is.
    const copy = join(scratch, 'node_modules', '@tensorflow', 'tfjs-core');
    cpSync(join(root, 'node_modules', '@tensorflow', 'tfjs-core'), copy, { recursive: true, dereference: true });
    const out = runFixture('two_copies.ts', [copy], { NODE_PATH: join(root, 'node_modules') });
    expect(out.error).toBe('TfjsDuplicateError');
    expect(out.message).toMatch(/two copies of @tensorflow\/tfjs-core/);
    expect(out.message).toMatch(/npm ls @tensorflow\/tfjs-core/);
  });
});
