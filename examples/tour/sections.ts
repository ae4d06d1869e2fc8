import { convexSection } from './convex_section.js';
import { deqSection } from './deq_section.js';
import { dslSection } from './dsl_section.js';
import { mpcSection } from './mpc_section.js';
import { qpSection } from './qp_section.js';
import { stableSection } from './stable_section.js';

/** One step of the `npm start` tour. */
export interface TourSection {
  readonly title: string;
  run(): Promise<void>;
}

export const tourSections: TourSection[] = [dslSection, convexSection, qpSection, deqSection, stableSection, mpcSection];
