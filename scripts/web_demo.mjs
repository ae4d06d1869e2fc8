#!/usr/bin/env node
// `npm run demo:web`: builds the browser demo (examples/web) with Vite into a
// temporary folder and serves it on http://127.0.0.1:<port>/ until Ctrl-C.
// Options: --port N (default 5180; 0 = any free port), --out DIR (build
// there and keep it instead of a temporary folder).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildDemo } from '../examples/web/build.mjs';
import { serveStatic } from '../examples/web/static_server.mjs';

const { values } = parseArgs({ options: { port: { type: 'string', default: '5180' }, out: { type: 'string' } } });
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`demo:web: --port must be an integer in [0, 65535], got ${values.port}`);
  process.exit(1);
}
const out = values.out ? resolve(values.out) : mkdtempSync(join(tmpdir(), 'optlayers-web-'));
const t0 = Date.now();
process.stdout.write('demo:web: building examples/web with Vite ... ');
await buildDemo(out);
console.log(`done in ${((Date.now() - t0) / 1000).toFixed(1)} s (${out})`);
const server = await serveStatic({ '/': out }, port);
console.log(`demo:web: open ${server.url}/  (drag the blue point; ?backend=wasm or ?backend=cpu forces a backend). Ctrl-C stops.`);
const stop = async () => {
  await server.close();
  if (!values.out) rmSync(out, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
