// ESM loader hooks for scripts started by `optlayers run` (plain JavaScript, so
// Node loads them without any TypeScript tooling). Settings come from the
// environment the CLI sets for the child process:
//   OPTLAYERS_RUN_ENTRY    file URL of the user's script
//   OPTLAYERS_RUN_PACKAGE  file URL of optlayers' package.json
//
// 1. A TypeScript entry script runs as an ES module even in a package without
//    "type": "module", so top-level await works (tsx would otherwise compile it
//    to CommonJS, where esbuild rejects top-level await).
// 2. A bare import the script's own folder cannot resolve ('optlayers',
//    'optlayers/dsl', '@tensorflow/tfjs', ...) is resolved from optlayers'
//    installation instead, so a script anywhere on disk can use the package and
//    gets the very same tfjs copy optlayers uses.
const entry = process.env.OPTLAYERS_RUN_ENTRY;
const packageUrl = process.env.OPTLAYERS_RUN_PACKAGE;

function isBare(specifier) {
  return !/^(\.{0,2}\/|[a-zA-Z][a-zA-Z0-9+.-]*:)/.test(specifier) && !specifier.startsWith('#');
}

export async function resolve(specifier, context, nextResolve) {
  let result;
  try {
    result = await nextResolve(specifier, context);
  } catch (error) {
    if (!packageUrl || !isBare(specifier) || error?.code !== 'ERR_MODULE_NOT_FOUND' || context.parentURL === packageUrl) throw error;
    result = await nextResolve(specifier, { ...context, parentURL: packageUrl });
  }
  if (entry && result.url === entry && /\.ts$/.test(result.url)) {
    // tsx reports 'commonjs'; Node's own type stripping reports 'commonjs-typescript'.
    if (result.format === 'commonjs') return { ...result, format: 'module' };
    if (result.format === 'commonjs-typescript') return { ...result, format: 'module-typescript' };
  }
  return result;
}
