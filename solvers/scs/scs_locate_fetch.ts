import { OptlayersError } from '../errors.js';

/** Which WebAssembly binary an asset error is about. */
export type WasmAsset = 'scs' | 'tfjs-backend-wasm';

/**
 * A WebAssembly binary could not be fetched from its URL (network error, an
 * HTTP error status, or a response that is not WebAssembly, e.g. an HTML
 * fallback page). `url` is the absolute URL that was requested; the message
 * says how to point optlayers at the right place (`init({ wasmPaths })`).
 */
export class WasmAssetError extends OptlayersError {
  constructor(
    message: string,
    readonly asset: WasmAsset,
    readonly url: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** The first four bytes of every WebAssembly binary (`\0asm`, WebAssembly core spec 5.5.16). */
const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d] as const;

function howToFix(asset: WasmAsset): string {
  const key = asset === 'scs' ? 'scs' : 'tfjs';
  const what = asset === 'scs' ? "the URL of scs-solver's dist/scs.wasm" : "the folder holding @tensorflow/tfjs-backend-wasm's dist/*.wasm (ending in '/')";
  return `Serve the file at that URL, or tell optlayers where it is: init({ wasmPaths: { ${key}: ${what} } }) (README, "Bundlers and the browser").`;
}

/**
 * Fetches a WebAssembly binary with the platform `fetch` and checks it really
 * is one. Throws `WasmAssetError` naming the URL on a network failure, an HTTP
 * error status, or a body without the WebAssembly magic number.
 */
export async function fetchWasmBinary(url: string, asset: WasmAsset): Promise<ArrayBuffer> {
  let response: Response;
  try {
    response = await fetch(url, { credentials: 'same-origin' });
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new WasmAssetError(`could not fetch the ${asset} WebAssembly binary from ${url} (${why}). ${howToFix(asset)}`, asset, url);
  }
  if (!response.ok) {
    throw new WasmAssetError(
      `could not fetch the ${asset} WebAssembly binary from ${url}: HTTP ${response.status} ${response.statusText}. ${howToFix(asset)}`,
      asset,
      url,
      response.status,
    );
  }
  const bytes = await response.arrayBuffer();
  checkMagic(bytes, asset, url, `${response.headers.get('content-type') ?? 'no content-type'}; a server fallback page?`, response.status);
  return bytes;
}

function checkMagic(bytes: ArrayBuffer, asset: WasmAsset, url: string, what: string, status?: number): void {
  const head = new Uint8Array(bytes, 0, Math.min(4, bytes.byteLength));
  if (head.length < 4 || WASM_MAGIC.some((b, i) => head[i] !== b)) {
    throw new WasmAssetError(`${url} is not the ${asset} WebAssembly binary (got ${bytes.byteLength} bytes of ${what}). ${howToFix(asset)}`, asset, url, status);
  }
}

type NodeFs = { readFileSync(path: string): Uint8Array };
type NodeUrl = { fileURLToPath(url: string): string };

/**
 * Node only: reads a WebAssembly binary from a file path or `file:` URL.
 * The fs module comes from `process.getBuiltinModule` (Node >= 20.16), so
 * browser bundles never see a `node:fs` import. Throws `WasmAssetError`
 * naming the file when it is missing or not WebAssembly; returns undefined
 * on an older Node, where emscripten is left to read the file.
 */
export function readWasmFile(pathOrFileUrl: string, asset: WasmAsset): ArrayBuffer | undefined {
  const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  if (!get) return undefined;
  const fs = get('node:fs') as NodeFs;
  const path = pathOrFileUrl.startsWith('file:') ? (get('node:url') as NodeUrl).fileURLToPath(pathOrFileUrl) : pathOrFileUrl;
  let data: Uint8Array;
  try {
    data = fs.readFileSync(path);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new WasmAssetError(`could not read the ${asset} WebAssembly binary from ${path} (${why}). ${howToFix(asset)}`, asset, path);
  }
  const bytes = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
  checkMagic(bytes, asset, path, 'a file');
  return bytes;
}

/** True in Node.js (and Deno/Bun's Node mode), where emscripten reads files itself; false in browsers and web workers. */
export function runsInNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: unknown } } }).process;
  return typeof p?.versions?.node === 'string';
}

/**
 * Makes a bundler-emitted asset path absolute. Vite's `?url` gives a path from
 * the site root (or already an absolute URL); esbuild's `file` loader gives a
 * path relative to the output folder, that is, to the bundle's own URL. An
 * IIFE bundle has no module URL of its own, so the page's base URL stands in.
 */
export function absoluteAssetUrl(path: string, base: string | undefined): string {
  const fallback = (globalThis as { document?: { baseURI?: string }; location?: { href?: string } }).document?.baseURI ??
    (globalThis as { location?: { href?: string } }).location?.href;
  const from = base || fallback;
  return from ? new URL(path, from).href : path;
}
