import type { Expression } from '../expr/expression.js';
import { Atom } from './atom.js';

/** An atom applied entry by entry: output shape = argument shape, value = f(x) entrywise. */
export abstract class ElementwiseAtom extends Atom {
  constructor(x: Expression) {
    super([x], x.shape);
  }
  /** The scalar function. */
  protected abstract scalar(x: number): number;
  evaluate(args: readonly Float64Array[]): Float64Array {
    return args[0]!.map((v) => this.scalar(v));
  }
}
