import { absoluteAssetUrl } from '../solvers/scs/scs_locate_fetch.js';

/** The three binaries @tensorflow/tfjs-backend-wasm picks from (plain, SIMD, SIMD + threads). */
export const TFJS_WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'] as const;
/** The file name of one of tfjs-backend-wasm's three binaries (plain, SIMD, threaded SIMD). */
export type TfjsWasmFile = (typeof TFJS_WASM_FILES)[number];

/** What tfjs-backend-wasm's own `setWasmPaths` accepts: a folder prefix or a full map of the three files. */
export type TfjsWasmLocation = string | { readonly [K in TfjsWasmFile]: string };

/**
 * The bundler-emitted URLs of the three binaries (browser builds only; Node
 * never runs these imports). The specifiers are literal so that Vite (`?url`)
 * and esbuild (`loader: { '.wasm': 'file' }`) both see and emit the files.
 */
export async function bundledTfjsWasmFiles(): Promise<{ [K in TfjsWasmFile]: string }> {
  const [plain, simd, threaded] = await Promise.all([
    import('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url'),
    import('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url'),
    import('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url'),
  ]);
  const here = import.meta.url;
  return {
    'tfjs-backend-wasm.wasm': absoluteAssetUrl(plain.default, here),
    'tfjs-backend-wasm-simd.wasm': absoluteAssetUrl(simd.default, here),
    'tfjs-backend-wasm-threaded-simd.wasm': absoluteAssetUrl(threaded.default, here),
  };
}

/** The absolute URL a location gives one binary (for error messages and probes). */
export function tfjsWasmUrl(location: TfjsWasmLocation, file: TfjsWasmFile): string {
  return absoluteAssetUrl(typeof location === 'string' ? location + file : location[file], undefined);
}
