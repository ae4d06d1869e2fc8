/**
 * Learning-rate schedules of the OptNet Sudoku model (Adam). The OptNet paper
 * (Amos & Kolter 2017, section 5.3) trains with a constant Adam step of 0.1;
 * `decay` is the schedule this example used before (0.1 for two epochs, then
 * divided by 3 per epoch). Which one is used is decided on the validation
 * split (`--select`), never on the test split.
 */

/** Names of the schedules `--schedule` and `--select` know. */
export const SCHEDULES = ['constant', 'decay'] as const;
export type ScheduleName = (typeof SCHEDULES)[number];

/** The paper's Adam step. */
export const OPTNET_INITIAL_RATE = 0.1;

/** Learning rate of `schedule` in `epoch` (1-based). */
export function scheduledRate(schedule: ScheduleName, epoch: number, initial = OPTNET_INITIAL_RATE): number {
  if (!Number.isInteger(epoch) || epoch < 1) throw new RangeError(`epoch must be an integer >= 1, got ${epoch}`);
  switch (schedule) {
    case 'constant': return initial;
    case 'decay': return initial * Math.pow(1 / 3, Math.max(0, epoch - 2));
  }
}
