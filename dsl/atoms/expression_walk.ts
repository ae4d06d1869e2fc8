import type { Expression } from '../expr/expression.js';

/** True when a leaf of `kind` (variable or parameter) occurs anywhere below e (shared sub-expressions are visited once). */
export function containsLeafKind(e: Expression, kind: 'variable' | 'parameter'): boolean {
  const seen = new Set<Expression>();
  const stack = [e];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    if (n.kind === kind) return true;
    stack.push(...n.args);
  }
  return false;
}
