#!/usr/bin/env node
// `npm run build`: compiles the library twice from the same TypeScript sources.
//   dist/      ES modules + .d.ts (tsconfig.build.json), plus the CLI (dist/src/cli).
//   dist/cjs/  CommonJS + .d.ts (tsconfig.build.cjs.json) for `require('optlayers')`;
//              a {"type":"commonjs"} package.json there makes Node and TypeScript
//              read those .js/.d.ts files as CommonJS.
// The CommonJS pass goes through the compiler API because CommonJS has no
// `import.meta`: a transformer rewrites `import.meta.url` to the equivalent
// file URL of `__filename`, and only the diagnostics it made moot (TS1343 on
// exactly those nodes) are dropped. Any other diagnostic fails the build.
// The CommonJS pass skips type-checking (`noCheck`): the ESM pass just checked the same sources.
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const IMPORT_META_DIAGNOSTIC = 1343;

function formatDiagnostics(diagnostics) {
  return ts.formatDiagnosticsWithColorAndContext(diagnostics, {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => root,
    getNewLine: () => '\n',
  });
}

function parseConfig(file) {
  const config = ts.getParsedCommandLineOfConfigFile(join(root, file), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(formatDiagnostics([d]));
    },
  });
  if (config.errors.length) throw new Error(formatDiagnostics(config.errors));
  return config;
}

/** `import.meta.url` -> `require("node:url").pathToFileURL(__filename).href` (CommonJS only). */
function importMetaUrlTransformer(context) {
  const f = context.factory;
  const visit = (node) => {
    if (
      ts.isPropertyAccessExpression(node) &&
      ts.isMetaProperty(node.expression) &&
      node.expression.keywordToken === ts.SyntaxKind.ImportKeyword &&
      node.name.text === 'url'
    ) {
      const req = f.createCallExpression(f.createIdentifier('require'), undefined, [f.createStringLiteral('node:url')]);
      const toUrl = f.createCallExpression(f.createPropertyAccessExpression(req, 'pathToFileURL'), undefined, [f.createIdentifier('__filename')]);
      return f.createPropertyAccessExpression(toUrl, 'href');
    }
    return ts.visitEachChild(node, visit, context);
  };
  return (sourceFile) => ts.visitNode(sourceFile, visit);
}

/** Positions of every `import.meta.url` in a source file (the only import.meta use we can translate). */
function importMetaUrlStarts(sourceFile) {
  const starts = new Set();
  const walk = (node) => {
    if (ts.isPropertyAccessExpression(node) && ts.isMetaProperty(node.expression) && node.name.text === 'url') {
      starts.add(node.expression.getStart(sourceFile));
    }
    ts.forEachChild(node, walk);
  };
  walk(sourceFile);
  return starts;
}

function compile(configFile, { cjs }) {
  const config = parseConfig(configFile);
  // The ESM pass has type-checked these very sources; the CommonJS pass only emits (TypeScript >= 5.6 `noCheck`).
  if (cjs) config.options.noCheck = true;
  const program = ts.createProgram({ rootNames: config.fileNames, options: config.options, projectReferences: config.projectReferences });
  const emitted = program.emit(undefined, undefined, undefined, false, cjs ? { before: [importMetaUrlTransformer] } : undefined);
  const diagnostics = [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics].filter((d) => {
    if (!cjs || d.code !== IMPORT_META_DIAGNOSTIC || !d.file || d.start === undefined) return true;
    return !importMetaUrlStarts(d.file).has(d.start);
  });
  if (diagnostics.length) throw new Error(`${configFile}:\n${formatDiagnostics(diagnostics)}`);
}

function* walkFiles(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* walkFiles(p);
    else yield p;
  }
}

const started = Date.now();
rmSync(join(root, 'dist'), { recursive: true, force: true });
compile('tsconfig.build.json', { cjs: false });
compile('tsconfig.build.cjs.json', { cjs: true });
mkdirSync(join(root, 'dist', 'cjs'), { recursive: true });
writeFileSync(join(root, 'dist', 'cjs', 'package.json'), `${JSON.stringify({ type: 'commonjs' }, null, 2)}\n`);

// A CommonJS file that still says `import.meta` (or uses top-level await) would be a SyntaxError at require time.
for (const file of walkFiles(join(root, 'dist', 'cjs'))) {
  if (!file.endsWith('.js')) continue;
  const text = readFileSync(file, 'utf8');
  if (/\bimport\.meta\b/.test(text)) throw new Error(`${file}: 'import.meta' left in the CommonJS build`);
}
console.log(`build: dist/ (ESM) and dist/cjs/ (CommonJS) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
