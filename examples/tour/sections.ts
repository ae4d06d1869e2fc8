/** One step of the `npm start` tour. */
export interface TourSection {
  readonly title: string;
  run(): Promise<void>;
}

export const tourSections: TourSection[] = [];
