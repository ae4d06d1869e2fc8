/**
 * Where and when a benchmark ran, attached to every JSON line so a quoted
 * figure carries its context: date, cores, 1-minute load, commit and Node.
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism, cpus, loadavg } from 'node:os';

export interface MachineInfo {
  readonly date: string;
  readonly cores: number;
  readonly cpu: string;
  readonly load1: number;
  readonly commit: string;
  readonly node: string;
}

let commit: string | undefined;

/** The short commit hash of the working tree (read once; 'unknown' outside a git checkout). */
function currentCommit(): string {
  if (commit === undefined) {
    const out = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' });
    commit = out.status === 0 ? out.stdout.trim() : 'unknown';
  }
  return commit;
}

export function machineInfo(): MachineInfo {
  return {
    date: new Date().toISOString(),
    cores: availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown',
    load1: Number(loadavg()[0]!.toFixed(2)),
    commit: currentCommit(),
    node: process.version,
  };
}

/** CPU seconds (user + system, all threads) of this process since `start`. */
export function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1e6;
}
