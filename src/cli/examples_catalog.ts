/** A bundled example script that `npx optlayers run NAME` can start. */
export interface BundledExample {
  readonly name: string;
  /** Path relative to the package root. */
  readonly file: string;
  readonly description: string;
}

/** The examples shipped in examples/, by the name `optlayers run` accepts. */
export const BUNDLED_EXAMPLES: readonly BundledExample[] = [
  { name: 'tour', file: 'examples/tour.ts', description: 'short tour: solve, differentiate and train with every layer kind' },
];
