/**
 * The side-by-side orchestration of `npm run bench -- <case> --vs-peers`
 * (bench/common/vs_peers.ts), run on fake benchmark commands: a node script
 * for ours and a python3 script for the peer, each printing JSON lines with
 * planted timings, so the interleaving, medians, spread and ratios have known
 * answers; plus the missing-stack check and the CLI's exit status.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PeerBenchError, missingPythonModules, parseJsonLines, runSideBySide } from '../../bench/common/vs_peers.js';

const dir = mkdtempSync(join(tmpdir(), 'optlayers-vs-peers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const log = join(dir, 'order.log');

// Ours: round r reports fwd_s = [1, 3, 2][r] and bwd_s = 0.5 for case A (two impls), and a case only ours has.
writeFileSync(join(dir, 'ours.mjs'), `
import { appendFileSync, readFileSync, existsSync } from 'node:fs';
const log = ${JSON.stringify(log)};
const r = existsSync(log) ? readFileSync(log, 'utf8').split('\\n').filter((l) => l === 'ours').length : 0;
appendFileSync(log, 'ours\\n');
const fwd = [1, 3, 2][r];
console.log('progress text that is not JSON');
console.log(JSON.stringify({ bench: 'x', case: 'A', impl: 'ours/fast', timings: { fwd_s: { median: fwd }, bwd_s: { median: 0.5 } } }));
console.log(JSON.stringify({ bench: 'x', case: 'A', impl: 'ours/slow', timings: { fwd_s: { median: 2 * fwd }, bwd_s: { median: 1 } } }));
console.log(JSON.stringify({ bench: 'x', case: 'only_ours', impl: 'ours/fast', timings: { fwd_s: { median: 1 } } }));
`);
// Peer: round r reports fwd_s = [4, 6, 12][r] for case A, no bwd_s; versions and settings.
writeFileSync(join(dir, 'peer.py'), `
import json, os
log = ${JSON.stringify(log)}
r = open(log).read().split('\\n').count('peer') if os.path.exists(log) else 0
open(log, 'a').write('peer\\n')
print(json.dumps({'bench': 'x', 'case': 'A', 'impl': 'peer/one', 'versions': {'peerlib': '1.2.3'}, 'settings': {'eps': 1e-6},
                  'timings': {'fwd_s': {'median': [4, 6, 12][r]}}}))
`);

const ours = { command: process.execPath, args: [join(dir, 'ours.mjs')] };
const peer = { command: 'python3', args: [join(dir, 'peer.py')] };

describe('runSideBySide', () => {
  it('alternates ours and the peer, and reports medians, spread and per-round ratios per impl pair and metric', () => {
    writeFileSync(log, '');
    const progress: string[] = [];
    const lines = runSideBySide({ rounds: 3, ours, peer, metrics: ['fwd_s', 'bwd_s'], onRun: (side, r) => progress.push(`${side}${r}`) });
    expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual(['ours', 'peer', 'ours', 'peer', 'ours', 'peer']);
    expect(progress).toEqual(['ours0', 'peer0', 'ours1', 'peer1', 'ours2', 'peer2']);
    // bwd_s is missing on the peer side and 'only_ours' has no peer line: one line per ours impl for fwd_s.
    expect(lines.map((l) => `${l.case}|${l.ours_impl}|${l.peer_impl}|${l.metric}`)).toEqual(['A|ours/fast|peer/one|fwd_s', 'A|ours/slow|peer/one|fwd_s']);
    const fast = lines[0]!;
    expect(fast.bench).toBe('vs_peers');
    expect(fast.rounds).toBe(3);
    expect(fast.ours).toEqual({ median: 2, q1: 1.5, q3: 2.5, min: 1, max: 3, n: 3 });
    expect(fast.peer).toEqual({ median: 6, q1: 5, q3: 9, min: 4, max: 12, n: 3 });
    // Per-round ratios 4/1, 6/3, 12/2 = 4, 2, 6.
    expect(fast.ratio_peer_over_ours).toEqual({ median: 4, q1: 3, q3: 5, min: 2, max: 6, n: 3 });
    expect(lines[1]!.ratio_peer_over_ours.median).toBe(2);
    expect(fast.peer_versions).toEqual({ peerlib: '1.2.3' });
    expect(fast.peer_settings).toEqual({ eps: 1e-6 });
    // The JSON schema of every line.
    for (const l of lines) {
      expect(Object.keys(l).sort()).toEqual(['bench', 'case', 'metric', 'order', 'ours', 'ours_impl', 'peer', 'peer_impl', 'peer_settings', 'peer_versions', 'ratio_peer_over_ours', 'rounds'].sort());
      for (const s of [l.ours, l.peer, l.ratio_peer_over_ours]) expect(Object.keys(s).sort()).toEqual(['max', 'median', 'min', 'n', 'q1', 'q3']);
    }
  });

  it('a failing run stops the comparison with a PeerBenchError naming the side', () => {
    const failing = { command: 'python3', args: ['-c', 'import sys; sys.stderr.write("boom\\n"); sys.exit(7)'] };
    expect(() => runSideBySide({ rounds: 2, ours, peer: failing, metrics: ['fwd_s'] })).toThrow(/peer run failed.*exit 7[\s\S]*boom/);
  });

  it('no common case and metric is an error, not an empty report', () => {
    writeFileSync(log, '');
    expect(() => runSideBySide({ rounds: 1, ours, peer, metrics: ['no_such_metric'] })).toThrow(PeerBenchError);
  });

  it('rejects a non-positive round count', () => {
    expect(() => runSideBySide({ rounds: 0, ours, peer, metrics: ['fwd_s'] })).toThrow(RangeError);
  });
});

describe('peer stack detection', () => {
  it('names exactly the modules python3 cannot import', () => {
    expect(missingPythonModules('python3', ['json', 'optlayers_no_such_module_xyz', 'math'])).toEqual(['optlayers_no_such_module_xyz']);
  });

  it('reports every module as missing when the interpreter does not start', () => {
    expect(missingPythonModules(join(dir, 'no-python-here'), ['json'])).toEqual(['json']);
  });

  it('`bench qp --vs-peers` without the peer stack exits with status 3, naming the modules and the pip command', () => {
    // An interpreter that cannot start has none of the stack, on any machine.
    const out = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', 'qp', '--vs-peers'], {
      encoding: 'utf8',
      env: { ...process.env, OPTLAYERS_PYTHON: join(dir, 'no-python-here') },
    });
    expect(out.status).toBe(3);
    expect(out.stderr).toMatch(/missing module\(s\) numpy, torch, qpth/);
    expect(out.stderr).toContain('pip install -r bench/peers/requirements.txt');
  });
});

describe('parseJsonLines', () => {
  it('keeps JSON objects and skips progress text, arrays and truncated lines', () => {
    expect(parseJsonLines('hello\n{"a":1}\n[1,2]\n{"b":\n  {"c":2}  \n')).toEqual([{ a: 1 }, { c: 2 }]);
  });
});
