// scs-solver ships no type declarations; its default export is an emscripten
// module factory. The shape we rely on is declared in scs_module.ts.
declare module 'scs-solver' {
  const createScs: () => Promise<unknown>;
  export default createScs;
}
