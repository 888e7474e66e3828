/**
 * Redis keys of Internal Events metrics, as GitLab names them (lib/gitlab/usage/
 * event_selection_rule.rb): `{event_counters}_<path>` for totals, `{hll_counters}_<path>` for
 * unique counts, where the path is the event, then `-filter:[k:v,…]` (keys sorted) when the
 * selection filters, then `-<identifier>` (`user` for `user.id`) when it counts uniquely. Weekly
 * keys end in `-<YYYY>-<WW>` (ISO week, GitLab's TimeSeriesStorable); an all-time total has none.
 */
import type { EventSelection, TimeFrame } from '../definitions/types';
import { HLL_REDIS_SLOT } from './hll-key';
import { formatIsoWeek, type IsoWeek } from './iso-week';
import { toRedisWindow, windowWeeks } from './window-weeks';

/** The hash tag of every total counter: GitLab's EventSelectionRule TOTAL_COUNTER_KEY_PREFIX. */
export const EVENT_COUNTERS_SLOT = 'event_counters';

/** GitLab keys a unique count by the identifier's first part: `user.id` → `user`. */
function identifierPart(unique: string): string {
  return unique.split('.')[0] ?? unique;
}

function selectionPath({ event, filter, unique }: EventSelection): string {
  const names = Object.keys(filter).sort();
  const filtered =
    names.length > 0 ? `${event}-filter:[${names.map((k) => `${k}:${String(filter[k])}`).join(',')}]` : event;
  return unique ? `${filtered}-${identifierPart(unique)}` : filtered;
}

/**
 * The key of a selection: for `week` its weekly key, else its all-time key (totals only; a
 * unique count is always weekly).
 */
export function selectionKey(selection: EventSelection, week?: IsoWeek): string {
  const slot = selection.unique ? HLL_REDIS_SLOT : EVENT_COUNTERS_SLOT;
  const base = `{${slot}}_${selectionPath(selection)}`;
  return week ? `${base}-${formatIsoWeek(week)}` : base;
}

/**
 * Every key a metric over `selections` reads for `timeFrame` at `recordedAt`: the all-time keys
 * for `all`, else the weekly keys of the window's complete ISO weeks (as for Redis HLL metrics).
 * Throws for `none`, and for `all` over a unique selection (there is no all-time sketch).
 */
export function selectionWindowKeys(
  selections: readonly EventSelection[],
  timeFrame: TimeFrame,
  recordedAt: Date,
): string[] {
  if (timeFrame === 'all' && selections.every((s) => !s.unique))
    return selections.map((s) => selectionKey(s));
  const weeks = windowWeeks(recordedAt, toRedisWindow(timeFrame));
  return selections.flatMap((s) => weeks.map((week) => selectionKey(s, week)));
}
