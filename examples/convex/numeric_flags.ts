/**
 * Checked numeric command-line flags for the convex examples: a bad value
 * stops the script at once with a `FlagError` naming the flag, instead of a
 * NaN that surfaces later as a shape error or a silent empty run.
 */
export class FlagError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FlagError';
  }
}

/** `--name value` as an integer >= `min`. */
export function integerFlag(name: string, value: string | undefined, min: number): number {
  const v = Number(value);
  if (value === undefined || !Number.isInteger(v) || v < min) throw new FlagError(`--${name} needs an integer >= ${min}, got ${value ?? 'nothing'}`);
  return v;
}

/** `--name value` as a finite number in [min, max]. */
export function numberFlag(name: string, value: string | undefined, min: number, max: number): number {
  const v = Number(value);
  if (value === undefined || value.trim() === '' || !Number.isFinite(v) || v < min || v > max) {
    throw new FlagError(`--${name} needs a number in [${min}, ${max}], got ${value ?? 'nothing'}`);
  }
  return v;
}
