import { ValueError } from '../errors.js';
import { absoluteAssetUrl, fetchWasmBinary, readWasmFile, runsInNode } from './scs_locate_fetch.js';

/**
 * Where the SCS WebAssembly binary (scs-solver's `dist/scs.wasm`) comes from.
 *
 * - Node.js, nothing configured: emscripten reads the file next to
 *   `scs.mjs` itself (unchanged behaviour).
 * - Browser, nothing configured: the URL the bundler emitted for
 *   `scs-solver/dist/scs.wasm?url` (Vite: out of the box; esbuild: with
 *   `loader: { '.wasm': 'file' }`).
 * - Configured (`setScsWasmUrl`, or `init({ wasmPaths: { scs } })`): that URL
 *   (browser, or http(s) in Node) or file path / `file:` URL (Node).
 *
 * optlayers fetches (or, in Node, reads) a configured or bundled binary
 * itself, so a missing file is a `WasmAssetError` naming the URL or path
 * instead of an emscripten abort.
 */
let configured: string | undefined;
let bytes: Promise<ArrayBuffer> | undefined;

/** The emscripten module options `createScs(...)` receives. */
export interface ScsFactoryOptions {
  wasmBinary?: ArrayBuffer;
  locateFile?: (path: string, prefix: string) => string;
}

/**
 * Sets where the SCS WebAssembly binary is loaded from (a URL, or in Node a
 * file path). Takes effect for the next instantiation: call it before
 * `initSolvers()` / `init()`. `undefined` restores the default.
 */
export function setScsWasmUrl(url: string | URL | undefined): void {
  if (url !== undefined && !(typeof url === 'string' && url !== '') && !(url instanceof URL)) {
    throw new ValueError(`wasmPaths.scs must be a non-empty string or a URL, got ${url === null ? 'null' : typeof url}`);
  }
  const next = url === undefined ? undefined : String(url);
  if (next !== configured) bytes = undefined;
  configured = next;
}

/** The configured SCS binary location, if any (`undefined`: the default). */
export function scsWasmUrl(): string | undefined {
  return configured;
}

/** The bundler-emitted URL of `scs.wasm` (browser builds only; Node never runs this import). */
async function bundledScsWasmUrl(): Promise<string> {
  const asset = await import('scs-solver/dist/scs.wasm?url');
  return absoluteAssetUrl(asset.default, import.meta.url);
}

function isWebUrl(s: string): boolean {
  return /^(https?:|data:|blob:)/i.test(s);
}

/**
 * The options for one emscripten instantiation. Fetched bytes are cached, so
 * the spare instances `scs_module.ts` keeps after a trap reuse them.
 */
export async function scsFactoryOptions(): Promise<ScsFactoryOptions> {
  if (runsInNode()) {
    if (configured === undefined) return {};
    if (!isWebUrl(configured)) {
      const file = configured;
      const wasmBinary = readWasmFile(file, 'scs');
      return wasmBinary ? { wasmBinary } : { locateFile: (path) => (path.endsWith('.wasm') ? file : path) };
    }
  }
  bytes ??= (async () => fetchWasmBinary(configured !== undefined ? absoluteAssetUrl(configured, undefined) : await bundledScsWasmUrl(), 'scs'))();
  const pending = bytes;
  try {
    return { wasmBinary: await pending };
  } catch (err) {
    // A failed fetch is not cached: the next loadScs() asks again.
    if (bytes === pending) bytes = undefined;
    throw err;
  }
}
