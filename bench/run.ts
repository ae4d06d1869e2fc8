/**
 * Benchmark dispatcher: `npm run bench -- NAME [--repeats N] [args]` runs
 * bench/NAME.ts, which prints one JSON line per case (timings as median,
 * quartiles, min and max over N repeats). With no name, runs all.
 *
 * `npm run bench -- NAME --vs-peers [--repeats N] [args]` runs ours and the
 * peer's script in bench/peers/ alternately N times (default 5; each run with
 * `--repeats 1` unless `--inner-repeats K` is given) and prints, per case and
 * metric, both medians and spreads and the per-round ratio peer / ours (see
 * `runSideBySide`). It needs the Python stack of
 * bench/peers/requirements.txt (the interpreter: $OPTLAYERS_PYTHON, default
 * python3) and exits with status 3, naming the missing modules and the pip
 * command, when that stack is not importable.
 */
import { readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { flagValue, hasFlag, positiveIntFlag } from './common/flags.js';
import { PEER_INSTALL_HINT, PEERS, PeerBenchError, missingPythonModules, runSideBySide } from './common/vs_peers.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const available = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.startsWith('_'))
  .map((f) => f.slice(0, -3))
  .sort();

/** Arguments without the side-by-side flags (`--vs-peers`, `--repeats N`, `--inner-repeats K`). */
function innerArgs(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--vs-peers') continue;
    if (a === '--repeats' || a === '--inner-repeats') {
      i++;
      continue;
    }
    if (a.startsWith('--repeats=') || a.startsWith('--inner-repeats=')) continue;
    out.push(a);
  }
  return out;
}

function vsPeers(name: string, args: readonly string[]): void {
  const peer = PEERS[name];
  if (!peer) {
    throw new PeerBenchError(`benchmark '${name}' has no peer script; side-by-side runs exist for: ${Object.keys(PEERS).join(', ')}`, 2);
  }
  const python = process.env['OPTLAYERS_PYTHON'] ?? 'python3';
  const missing = missingPythonModules(python, peer.modules);
  if (missing.length > 0) {
    throw new PeerBenchError(
      `bench ${name} --vs-peers: the peer's Python stack is missing module(s) ${missing.join(', ')} (interpreter '${python}'). ` +
        `Install it with: ${PEER_INSTALL_HINT} (or point OPTLAYERS_PYTHON at a Python that has it). See bench/peers/README.md.`,
      3,
    );
  }
  const rounds = positiveIntFlag(args, 'repeats', 5);
  const inner = String(positiveIntFlag(args, 'inner-repeats', 1));
  const rest = innerArgs(args);
  const lines = runSideBySide({
    rounds,
    metrics: peer.metrics,
    ours: { command: process.execPath, args: ['--import', 'tsx', relative(process.cwd(), join(here, 'run.ts')), name, ...rest, '--repeats', inner] },
    peer: { command: python, args: [relative(process.cwd(), join(root, peer.script)), ...rest, '--repeats', inner] },
    onRun: (side, r) => process.stderr.write(`[vs-peers ${name}] round ${r + 1}/${rounds}: ${side}\n`),
  });
  for (const line of lines) console.log(JSON.stringify(line));
}

const [name, ...rest] = process.argv.slice(2);
if (hasFlag(rest, 'vs-peers') || name === '--vs-peers') {
  if (!name || name.startsWith('--')) {
    console.error(`--vs-peers needs a benchmark name first: one of ${Object.keys(PEERS).join(', ')}`);
    process.exit(2);
  }
  try {
    vsPeers(name, rest);
  } catch (err) {
    if (err instanceof PeerBenchError || err instanceof RangeError) {
      console.error(err.message);
      process.exit(err instanceof PeerBenchError ? err.exitCode : 2);
    }
    throw err;
  }
} else {
  const selected = name && !name.startsWith('--') ? [name] : available;
  const args = name && !name.startsWith('--') ? rest : process.argv.slice(2);
  for (const n of selected) {
    if (!available.includes(n)) {
      console.error(`unknown benchmark '${n}'; available: ${available.join(', ')}`);
      process.exit(2);
    }
  }
  // Reject a bad --repeats before any work, with the message rather than a stack trace.
  try {
    if (flagValue(args, 'repeats') !== undefined) positiveIntFlag(args, 'repeats', 1);
  } catch (err) {
    console.error(err instanceof RangeError ? err.message : err);
    process.exit(2);
  }
  for (const n of selected) {
    const mod = (await import(join(here, `${n}.ts`))) as { main: (args: string[]) => Promise<void> };
    await mod.main(args);
  }
}
