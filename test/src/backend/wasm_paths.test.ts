import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValueError } from '../../../solvers/errors.js';
import { initSolvers } from '../../../solvers/init.js';
import { scsWasmUrl, setScsWasmUrl } from '../../../solvers/scs/scs_locate.js';
import { fetchWasmBinary, readWasmFile, WasmAssetError } from '../../../solvers/scs/scs_locate_fetch.js';
import { init } from '../../../src/init.js';
import { setWasmPaths, tfjsWasmLocation } from '../../../src/wasm_paths.js';
import { TFJS_WASM_FILES } from '../../../src/wasm_tfjs_assets.js';

const root = resolve(import.meta.dirname, '..', '..', '..');
const scsWasm = join(root, 'node_modules', 'scs-solver', 'dist', 'scs.wasm');
const scratch = mkdtempSync(join(tmpdir(), 'optlayers-wasm-paths-'));
const run = promisify(execFile);

/** A local server: /scs.wasm is the real binary, /page.wasm an HTML fallback page, anything else 404. */
let server: Server;
let base = '';
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/scs.wasm') res.writeHead(200, { 'content-type': 'application/wasm' }).end(readFileSync(scsWasm));
    else if (req.url === '/page.wasm') res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><p>app shell</p>');
    else res.writeHead(404).end('not found');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(scratch, { recursive: true, force: true });
});

/** Runs the SCS fixture in a fresh Node process (async, so this process's server can answer it). */
async function scsFixture(location: string): Promise<Record<string, any>> {
  const { stdout } = await run(process.execPath, ['--conditions=optlayers-source', '--import', 'tsx', join(import.meta.dirname, 'fixtures', 'scs_wasm_path.ts'), location], {
    cwd: root,
    timeout: 90_000,
    env: { ...process.env, OPTLAYERS_BACKEND: '' },
  });
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

const fullMap = Object.fromEntries(TFJS_WASM_FILES.map((f) => [f, `https://cdn.example/${f}`]));

describe('wasmPaths option validation', () => {
  it.each<[string, unknown, RegExp]>([
    ['an unknown key', { scss: '/scs.wasm' }, /unknown wasmPaths key 'scss' \(known: scs, tfjs\)/],
    ['a non-object', '/assets/', /wasmPaths must be an object, got string/],
    ['an empty scs URL', { scs: '' }, /wasmPaths\.scs must be a non-empty string or a URL, got string/],
    ['a numeric scs URL', { scs: 42 }, /wasmPaths\.scs must be a non-empty string or a URL, got number/],
    ['a tfjs prefix without a trailing slash', { tfjs: '/assets/wasm' }, /wasmPaths\.tfjs is a folder prefix and must end in '\/'.*'\/assets\/wasm'/],
    ['a tfjs map missing a binary', { tfjs: { 'tfjs-backend-wasm.wasm': '/a.wasm' } }, /wasmPaths\.tfjs\['tfjs-backend-wasm-simd\.wasm'\] must be a non-empty URL string/],
    ['a tfjs map with an unknown file', { tfjs: { ...fullMap, 'tfjs-backend-wasm-gpu.wasm': '/x.wasm' } }, /unknown wasmPaths\.tfjs key 'tfjs-backend-wasm-gpu\.wasm'/],
    ['a tfjs array', { tfjs: ['/a/'] }, /wasmPaths\.tfjs must be a folder URL ending in '\/' or a map.*got an array/],
  ])('rejects %s with a ValueError naming it', (_what, paths, message) => {
    expect(() => setWasmPaths(paths as never)).toThrow(ValueError);
    expect(() => setWasmPaths(paths as never)).toThrow(message);
  });

  it('changes nothing when any part is invalid (validated before applied)', () => {
    expect(() => setWasmPaths({ scs: 'https://cdn.example/scs.wasm', tfjs: 'no-slash' })).toThrow(ValueError);
    expect(scsWasmUrl()).toBeUndefined();
  });

  it('init() and initSolvers() reject unknown keys before loading anything', async () => {
    await expect(init({ wasmPath: { scs: '/scs.wasm' } } as never)).rejects.toThrow(/unknown init option key 'wasmPath' \(known: backend, wasmPaths\)/);
    await expect(initSolvers({ wasmPaths: { tfjs: '/assets/' } } as never)).rejects.toThrow(/unknown initSolvers wasmPaths key 'tfjs' \(known: scs\)/);
    await expect(initSolvers({ wasmPaths: 'scs.wasm' } as never)).rejects.toThrow(/initSolvers wasmPaths must be an object, got string/);
    expect(scsWasmUrl()).toBeUndefined();
  });

  it('stores valid settings: a URL object as its string, a tfjs prefix or full map as given', async () => {
    setWasmPaths({ scs: new URL('https://cdn.example/scs.wasm') });
    expect(scsWasmUrl()).toBe('https://cdn.example/scs.wasm');
    setWasmPaths({ tfjs: 'https://cdn.example/tfjs/' });
    expect(await tfjsWasmLocation()).toBe('https://cdn.example/tfjs/');
    setWasmPaths({ tfjs: fullMap as never });
    expect(await tfjsWasmLocation()).toEqual(fullMap);
    // An omitted key keeps its setting; undefined restores SCS's default.
    expect(scsWasmUrl()).toBe('https://cdn.example/scs.wasm');
    setScsWasmUrl(undefined);
    expect(scsWasmUrl()).toBeUndefined();
  });
});

describe('fetching and reading WebAssembly binaries', () => {
  it('fetches a served binary byte for byte', async () => {
    const bytes = await fetchWasmBinary(`${base}/scs.wasm`, 'scs');
    expect(bytes.byteLength).toBe(statSync(scsWasm).size);
    expect(Buffer.from(bytes).equals(readFileSync(scsWasm))).toBe(true);
  });

  it('names the URL and HTTP status of a missing binary', async () => {
    const url = `${base}/missing/scs.wasm`;
    const err = await fetchWasmBinary(url, 'scs').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WasmAssetError);
    expect(err).toMatchObject({ url, status: 404, asset: 'scs' });
    expect((err as Error).message).toContain(`${url}: HTTP 404`);
    expect((err as Error).message).toMatch(/init\(\{ wasmPaths: \{ scs:/);
  });

  it('rejects a 200 response that is not WebAssembly (an HTML fallback page)', async () => {
    const err = await fetchWasmBinary(`${base}/page.wasm`, 'tfjs-backend-wasm').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WasmAssetError);
    expect((err as Error).message).toMatch(/page\.wasm is not the tfjs-backend-wasm WebAssembly binary \(got \d+ bytes of text\/html/);
    expect((err as Error).message).toMatch(/wasmPaths: \{ tfjs:/);
  });

  it('names the URL when nothing answers', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const url = `http://127.0.0.1:${port}/scs.wasm`;
    await expect(fetchWasmBinary(url, 'scs')).rejects.toMatchObject({ name: 'WasmAssetError', url });
  });

  it('reads a binary from a file path or file: URL, and names a missing or non-wasm file', () => {
    expect(readWasmFile(scsWasm, 'scs')!.byteLength).toBe(statSync(scsWasm).size);
    expect(readWasmFile(new URL(`file://${scsWasm}`).href, 'scs')!.byteLength).toBe(statSync(scsWasm).size);
    const missing = join(scratch, 'nope.wasm');
    expect(() => readWasmFile(missing, 'scs')).toThrow(WasmAssetError);
    expect(() => readWasmFile(missing, 'scs')).toThrow(missing);
    expect(() => readWasmFile(join(root, 'package.json'), 'scs')).toThrow(/package\.json is not the scs WebAssembly binary/);
  });
});

describe('SCS loaded from a configured location (fresh Node processes)', () => {
  it('solves with the binary from a file path elsewhere and from an http URL', async () => {
    const copy = join(scratch, 'elsewhere', 'scs-copy.wasm');
    mkdirSync(join(scratch, 'elsewhere'), { recursive: true });
    copyFileSync(scsWasm, copy);
    const [fromFile, fromHttp] = await Promise.all([scsFixture(copy), scsFixture(`${base}/scs.wasm`)]);
    expect(fromFile).toMatchObject({ ok: true, status: 'optimal' });
    expect(fromFile.x).toBeCloseTo(2, 6);
    expect(fromHttp).toMatchObject({ ok: true, status: 'optimal' });
    expect(fromHttp.x).toBeCloseTo(2, 6);
  });

  it('fails with a WasmAssetError naming the location when the binary is not there', async () => {
    const missingFile = join(scratch, 'missing', 'scs.wasm');
    const [file, http] = await Promise.all([scsFixture(missingFile), scsFixture(`${base}/gone/scs.wasm`)]);
    expect(file).toMatchObject({ ok: false, error: 'WasmAssetError', url: missingFile, asset: 'scs' });
    expect(file.message).toContain(missingFile);
    expect(http).toMatchObject({ ok: false, error: 'WasmAssetError', url: `${base}/gone/scs.wasm`, status: 404 });
  });
});
