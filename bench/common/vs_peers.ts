/**
 * Side-by-side mode of the benchmarks (`npm run bench -- <case> --vs-peers`):
 * runs our benchmark and the peer's Python script (bench/peers/) alternately,
 * ours then the peer's, `rounds` times (A B A B ...), each as its own process
 * printing JSON lines, then reports per (case, our impl, peer impl, metric)
 * the median, quartiles and extremes of both sides and of the per-round ratio
 * peer / ours (> 1: ours is faster). Pairing each round's two runs, which ran
 * back to back, cancels most of the drift of a shared machine's load.
 * Before running anything it checks that the peer's Python modules import,
 * and fails with the missing module names and the pip command otherwise.
 */
import { spawnSync } from 'node:child_process';
import { summarize, type Summary } from './stats.js';

/** One process to run. */
export interface Command {
  readonly command: string;
  readonly args: readonly string[];
}

/** What a finished process returned. */
export interface RunOutput {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to completion (injected in tests). */
export type Runner = (cmd: Command) => RunOutput;

/** The default runner: a child process with inherited environment, output captured. */
export const spawnRunner: Runner = (cmd) => {
  const out = spawnSync(cmd.command, [...cmd.args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (out.error) return { status: null, stdout: '', stderr: String(out.error.message) };
  return { status: out.status, stdout: out.stdout, stderr: out.stderr };
};

/** The peer of one benchmark: its script, the Python modules it needs and the timing metrics both sides report. */
export interface PeerSpec {
  readonly script: string;
  readonly modules: readonly string[];
  readonly metrics: readonly string[];
}

/** Peers of the benchmarks that have one (bench/peers/README.md describes each). */
export const PEERS: Readonly<Record<string, PeerSpec>> = {
  qp: { script: 'bench/peers/qp_qpth.py', modules: ['numpy', 'torch', 'qpth'], metrics: ['fwd_inference_s', 'fwd_s', 'bwd_s', 'fwd_bwd_s'] },
  convex: { script: 'bench/peers/convex_cvxpylayers.py', modules: ['numpy', 'torch', 'cvxpy', 'cvxpylayers', 'diffcp'], metrics: ['fwd_s', 'bwd_s', 'total_s'] },
  compile: { script: 'bench/peers/compile_cvxpylayers.py', modules: ['numpy', 'torch', 'cvxpy', 'cvxpylayers'], metrics: ['compile_ms'] },
  deq: { script: 'bench/peers/deq_torchdeq.py', modules: ['numpy', 'torch', 'torchdeq'], metrics: ['fwd_ms', 'bwd_ms', 'total_ms'] },
};

/** The pip command that installs the peers' pinned stack. */
export const PEER_INSTALL_HINT = 'pip install -r bench/peers/requirements.txt';

/** Thrown when the side-by-side mode cannot run (missing Python stack, a failing run, no common case). */
export class PeerBenchError extends Error {
  override readonly name = 'PeerBenchError';
  constructor(message: string, readonly exitCode: number) {
    super(message);
  }
}

/**
 * Python modules among `modules` that `python` cannot import (all of them
 * when `python` itself does not start).
 */
export function missingPythonModules(python: string, modules: readonly string[], run: Runner = spawnRunner): string[] {
  const probe = 'import importlib.util, json, sys; print(json.dumps([m for m in sys.argv[1:] if importlib.util.find_spec(m) is None]))';
  const out = run({ command: python, args: ['-c', probe, ...modules] });
  if (out.status !== 0) return [...modules];
  try {
    const parsed = JSON.parse(out.stdout.trim().split('\n').pop() ?? '[]') as unknown;
    return Array.isArray(parsed) ? parsed.map(String) : [...modules];
  } catch {
    return [...modules];
  }
}

/** The JSON objects among the lines of `text` (lines that are not JSON objects, e.g. progress, are skipped). */
export function parseJsonLines(text: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (!t.startsWith('{')) continue;
    try {
      const v = JSON.parse(t) as unknown;
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) out.push(v as Record<string, unknown>);
    } catch {
      // A partial line (a crashed run) is not a result.
    }
  }
  return out;
}

/** `timings[metric].median` of a result line, or undefined when absent. */
function metricOf(line: Record<string, unknown>, metric: string): number | undefined {
  const timings = line['timings'] as Record<string, { median?: unknown }> | undefined;
  const v = timings?.[metric]?.median;
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** One line of the side-by-side report. */
export interface SideBySideLine {
  readonly bench: 'vs_peers';
  readonly case: string;
  readonly ours_impl: string;
  readonly peer_impl: string;
  readonly metric: string;
  readonly rounds: number;
  readonly order: 'ours,peer alternating';
  readonly ours: Summary;
  readonly peer: Summary;
  /** Per-round peer / ours (> 1: ours faster). */
  readonly ratio_peer_over_ours: Summary;
  readonly peer_versions: unknown;
  readonly peer_settings: unknown;
}

export interface SideBySideOptions {
  readonly rounds: number;
  readonly ours: Command;
  readonly peer: Command;
  readonly metrics: readonly string[];
  readonly run?: Runner;
  /** Called before each run (progress on stderr in the CLI). */
  readonly onRun?: (side: 'ours' | 'peer', round: number) => void;
}

type Sample = { impl: string; values: Map<string, number>; line: Record<string, unknown> };

/** Runs one side once and indexes its lines by case and impl; throws a `PeerBenchError` when it fails. */
function runOnce(side: 'ours' | 'peer', cmd: Command, run: Runner): Map<string, Sample[]> {
  const out = run(cmd);
  if (out.status !== 0) {
    const tail = out.stderr.trim().split('\n').slice(-5).join('\n');
    throw new PeerBenchError(`${side} run failed (${cmd.command} ${cmd.args.join(' ')}; exit ${out.status}):\n${tail}`, 4);
  }
  const byCase = new Map<string, Sample[]>();
  for (const line of parseJsonLines(out.stdout)) {
    const key = line['case'];
    const impl = line['impl'];
    if (typeof key !== 'string' || typeof impl !== 'string') continue;
    const values = new Map<string, number>();
    const timings = line['timings'];
    if (timings && typeof timings === 'object') {
      for (const metric of Object.keys(timings)) {
        const v = metricOf(line, metric);
        if (v !== undefined) values.set(metric, v);
      }
    }
    const list = byCase.get(key) ?? [];
    list.push({ impl, values, line });
    byCase.set(key, list);
  }
  return byCase;
}

/**
 * The side-by-side comparison: `rounds` rounds of (ours, peer), then one
 * line per (case, ours impl, peer impl, metric) that both sides reported in
 * every round. Throws a `PeerBenchError` when a run fails or no case is common.
 */
export function runSideBySide(o: SideBySideOptions): SideBySideLine[] {
  if (!Number.isInteger(o.rounds) || o.rounds < 1) throw new RangeError(`rounds must be a positive integer, got ${o.rounds}`);
  const run = o.run ?? spawnRunner;
  const rounds: { ours: Map<string, Sample[]>; peer: Map<string, Sample[]> }[] = [];
  for (let r = 0; r < o.rounds; r++) {
    o.onRun?.('ours', r);
    const ours = runOnce('ours', o.ours, run);
    o.onRun?.('peer', r);
    const peer = runOnce('peer', o.peer, run);
    rounds.push({ ours, peer });
  }
  const lines: SideBySideLine[] = [];
  const first = rounds[0]!;
  for (const [key, ourSamples] of first.ours) {
    const peerSamples = first.peer.get(key);
    if (!peerSamples) continue;
    for (const ourImpl of new Set(ourSamples.map((s) => s.impl))) {
      for (const peerImpl of new Set(peerSamples.map((s) => s.impl))) {
        for (const metric of o.metrics) {
          const ours: number[] = [];
          const peer: number[] = [];
          let peerLine: Record<string, unknown> | undefined;
          for (const r of rounds) {
            const a = r.ours.get(key)?.find((s) => s.impl === ourImpl)?.values.get(metric);
            const bSample = r.peer.get(key)?.find((s) => s.impl === peerImpl);
            const b = bSample?.values.get(metric);
            if (a === undefined || b === undefined) continue;
            ours.push(a);
            peer.push(b);
            peerLine = bSample!.line;
          }
          if (ours.length !== o.rounds) continue;
          lines.push({
            bench: 'vs_peers',
            case: key,
            ours_impl: ourImpl,
            peer_impl: peerImpl,
            metric,
            rounds: o.rounds,
            order: 'ours,peer alternating',
            ours: summarize(ours),
            peer: summarize(peer),
            ratio_peer_over_ours: summarize(peer.map((b, i) => b / ours[i]!), 3),
            peer_versions: peerLine?.['versions'] ?? null,
            peer_settings: peerLine?.['settings'] ?? null,
          });
        }
      }
    }
  }
  if (lines.length === 0) throw new PeerBenchError('no case and metric were reported by both sides in every round (check the case names and the timings fields)', 5);
  return lines;
}
