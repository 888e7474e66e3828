/**
 * The bench's modes as rows, in report order (pure): floor, naive, gitlab, then every run of the
 * servping mode per worker count. The Markdown tables and the SVG list the same rows.
 */
import type { BenchResult } from './bench-result';

export interface ModeRow {
  label: string;
  kind: 'floor' | 'naive' | 'gitlab' | 'servping';
  /** The measured section, or null with `note` saying why it is missing. */
  section: unknown;
  note?: string;
  /** Worker count of a servping row, as keyed in `result.ratios` and `result.targets`. */
  workers?: string;
}

/** "error: …" or "skipped (…)" for a section that did not measure, else null. */
export function problem(section: unknown): string | null {
  if (section && typeof section === 'object') {
    if ('error' in section) return `error: ${String(section.error)}`;
    if ('skipped' in section) return `skipped (${String(section.skipped)})`;
  }
  return null;
}

export function modeRows(result: Pick<BenchResult, 'modes'>): ModeRow[] {
  const row = (label: string, kind: ModeRow['kind'], section: unknown, workers?: string): ModeRow => {
    const note = problem(section);
    return {
      label,
      kind,
      section: note ? null : section,
      ...(note ? { note } : {}),
      ...(workers ? { workers } : {}),
    };
  };
  const servping = Object.entries(result.modes.servping).flatMap(([workers, series]) =>
    'runs' in series
      ? series.runs.map((run) => row(`servping ${workers}w #${run.run}`, 'servping', run, workers))
      : [row(`servping ${workers}w`, 'servping', series, workers)],
  );
  return [
    row('floor', 'floor', result.modes.floor),
    row('naive', 'naive', result.modes.naive),
    row('gitlab', 'gitlab', result.modes.gitlab),
    ...servping,
  ];
}
