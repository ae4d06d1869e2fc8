/** Applies a binary function entrywise, broadcasting size-1 operands to `size`. */
export function broadcastBinary(a: Float64Array, b: Float64Array, size: number, f: (x: number, y: number) => number): Float64Array {
  const out = new Float64Array(size);
  const sa = a.length === 1 ? 0 : 1;
  const sb = b.length === 1 ? 0 : 1;
  for (let i = 0; i < size; i++) out[i] = f(a[i * sa]!, b[i * sb]!);
  return out;
}

/** Wraps an operand's text in parentheses when it contains a binary operator. */
export function paren(s: string): string {
  return /[ ]/.test(s) && !/^[\w.]+\(.*\)$/.test(s) ? `(${s})` : s;
}
