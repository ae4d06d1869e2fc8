"""Shared pieces of the peer scripts: the flags, the timing summary and the
machine fields, in the same JSON shape as our benchmarks (bench/common/stats.ts,
bench/common/machine.ts), so bench/common/vs_peers.ts reads both alike."""
import argparse
import datetime
import json
import os
import platform
import subprocess
import sys


def base_parser(description):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument('--repeats', type=int, default=5, help='timed runs after one warm-up (default 5)')
    return parser


def _quantile(sorted_xs, q):
    """Linear-interpolation quantile, as summarize() in bench/common/stats.ts."""
    pos = (len(sorted_xs) - 1) * q
    lo, hi = int(pos // 1), int(-(-pos // 1))
    return sorted_xs[lo] + (sorted_xs[hi] - sorted_xs[lo]) * (pos - lo)


def summarize(xs, digits=4):
    if not xs:
        raise ValueError('summarize: empty sample')
    s = sorted(xs)
    r = lambda x: float(f'{x:.{digits}g}')
    return {'median': r(_quantile(s, 0.5)), 'q1': r(_quantile(s, 0.25)), 'q3': r(_quantile(s, 0.75)),
            'min': r(s[0]), 'max': r(s[-1]), 'n': len(s)}


def machine_info():
    try:
        commit = subprocess.run(['git', 'rev-parse', '--short', 'HEAD'], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = 'unknown'
    return {
        'date': datetime.datetime.now(datetime.timezone.utc).isoformat(),
        'cores': os.cpu_count(),
        'cpu': platform.processor() or platform.machine(),
        'load1': round(os.getloadavg()[0], 2),
        'commit': commit,
        'python': sys.version.split()[0],
    }


def versions(*distributions):
    """Installed versions of the named distributions (as pip reports them)."""
    from importlib import metadata
    out = {}
    for name in distributions:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = 'not installed'
    return out


def emit(line):
    line['machine'] = machine_info()
    print(json.dumps(line), flush=True)
