// Bundlers turn `import url from '<file>.wasm?url'` into the emitted asset's
// URL (Vite natively; esbuild with `loader: { '.wasm': 'file' }`). Only the
// browser code paths of scs_locate.ts and src/wasm_tfjs_assets.ts import these.
declare module '*.wasm?url' {
  const url: string;
  export default url;
}
