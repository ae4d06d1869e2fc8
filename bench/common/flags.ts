/** Command-line flags shared by the benchmarks: `--name value` or `--name=value`. */

/** The value of `--name`, or undefined when absent. */
export function flagValue(args: readonly string[], name: string): string | undefined {
  const long = `--${name}`;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === long) return args[i + 1];
    if (a.startsWith(`${long}=`)) return a.slice(long.length + 1);
  }
  return undefined;
}

/** True when `--name` is present (as a switch). */
export function hasFlag(args: readonly string[], name: string): boolean {
  return args.includes(`--${name}`);
}

/** A positive integer flag (e.g. `--repeats 5`); throws a RangeError naming the flag on anything else. */
export function positiveIntFlag(args: readonly string[], name: string, fallback: number): number {
  const raw = flagValue(args, name);
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`--${name} must be a positive integer, got '${raw}'`);
  return v;
}

/** A positive number flag (e.g. `--tol 1e-8`); throws a RangeError naming the flag on anything else. */
export function positiveNumberFlag(args: readonly string[], name: string, fallback: number): number {
  const raw = flagValue(args, name);
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!(v > 0) || !Number.isFinite(v)) throw new RangeError(`--${name} must be a positive number, got '${raw}'`);
  return v;
}

/** Arguments that are neither flags nor the values of `valued` flags (e.g. the sizes of `bench cone_derivative 20 50`). */
export function positionalArgs(args: readonly string[], valued: readonly string[] = ['repeats']): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith('--')) {
      if (valued.includes(a.slice(2))) i++;
      continue;
    }
    out.push(a);
  }
  return out;
}
