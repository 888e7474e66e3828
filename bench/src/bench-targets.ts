/**
 * Issue #13's targets for the servping mode, checked against the measured figures (pure). Each
 * target says met, missed or not measured, with the figures it was judged on, so a report
 * never states a verdict without its evidence. Wall-time targets use the median run (the
 * machine is shared, so one run is noise); the statement limit uses the worst run.
 */
import { millions, seconds } from './report-format';
import type { Spread } from './run-spread';

export const TARGETS = {
  /** servping wall time at most this fraction of naive's. */
  overNaive: 0.5,
  /** servping wall time at most this fraction of GitLab's algorithm's. */
  overGitlab: 0.1,
  /**
   * Rows servping reads at most this multiple of the floor's (one plain count per table), both
   * measured as rows visited: the floor counts some tables by index-only scans, which
   * `seq_tup_read + idx_tup_fetch` does not see, so by that measure the floor would read a
   * fraction of the instance and the ratio would say nothing.
   */
  rowsOverFloor: 2,
  /** No counting statement longer than this (sampled, hence a lower bound). */
  longestStatementMs: 1000,
} as const;

export interface AgreementCount {
  compared: number;
  mismatched: number;
}

export interface TargetInput {
  naive?: { wallMs: number };
  gitlab?: { wallMs: number };
  floor?: { rowsRead: number; rowsVisited: number };
  servping?: {
    wallMs: Spread | null;
    rowsRead: Spread | null;
    rowsVisited: Spread | null;
    longestStatementMs: Spread | null;
    /** Per run: exact metrics compared with naive and how many differed (absent: not checked). */
    agreement: Array<AgreementCount | undefined>;
  };
}

export type TargetStatus = 'met' | 'missed' | 'not measured';

export interface TargetCheck {
  target: string;
  status: TargetStatus;
  figures: string;
}

/** One check per target, in the order. */
export function checkTargets(input: TargetInput): TargetCheck[] {
  const s = input.servping;
  const wallTarget = (name: string, base: number | undefined, limit: number) =>
    ratioTarget(`servping ≤ ${limit}× ${name}'s wall time`, s?.wallMs?.median, base, limit, seconds);
  return [
    wallTarget('naive', input.naive?.wallMs, TARGETS.overNaive),
    wallTarget('GitLab', input.gitlab?.wallMs, TARGETS.overGitlab),
    rowsTarget(s, input.floor),
    longestStatementTarget(s?.longestStatementMs ?? null),
    agreementTarget(s?.agreement ?? []),
  ];
}

function ratioTarget(
  target: string,
  value: number | undefined,
  base: number | undefined,
  limit: number,
  unit: (n: number) => string,
): TargetCheck {
  if (value === undefined || base === undefined || base <= 0) {
    return { target, status: 'not measured', figures: 'a side of the ratio was not measured' };
  }
  const ratio = value / base;
  return {
    target,
    status: ratio <= limit ? 'met' : 'missed',
    figures: `${unit(value)} (median) / ${unit(base)} = ${ratio.toFixed(2)}×`,
  };
}

/** Judged on rows visited (see TARGETS.rowsOverFloor); rows read is printed beside it. */
function rowsTarget(servping: TargetInput['servping'], floor: TargetInput['floor']): TargetCheck {
  const target = `rows read by servping ≤ ${TARGETS.rowsOverFloor}× the floor's`;
  const on = (figure: 'rowsVisited' | 'rowsRead') =>
    ratioTarget(target, servping?.[figure]?.median, floor?.[figure], TARGETS.rowsOverFloor, millions);
  const visited = on('rowsVisited');
  if (visited.status === 'not measured') return visited;
  const read = on('rowsRead');
  return {
    ...visited,
    figures: `rows visited ${visited.figures}; seq_tup_read + idx_tup_fetch ${read.figures}`,
  };
}

function longestStatementTarget(longest: Spread | null): TargetCheck {
  const target = `no statement over ${seconds(TARGETS.longestStatementMs)}`;
  if (!longest) return { target, status: 'not measured', figures: 'no servping run' };
  return {
    target,
    status: longest.max <= TARGETS.longestStatementMs ? 'met' : 'missed',
    figures: `longest sampled ≥ ${Math.round(longest.max)} ms (worst of ${longest.runs} runs)`,
  };
}

function agreementTarget(agreement: ReadonlyArray<AgreementCount | undefined>): TargetCheck {
  const target = "every exact value equals naive's";
  const checked = agreement.filter((a): a is AgreementCount => a !== undefined);
  if (checked.length === 0 || checked.length < agreement.length) {
    return {
      target,
      status: 'not measured',
      figures: `${checked.length} of ${agreement.length} runs checked`,
    };
  }
  const mismatched = checked.reduce((total, a) => total + a.mismatched, 0);
  const compared = checked.map((a) => a.compared);
  return {
    target,
    status: mismatched === 0 && Math.min(...compared) > 0 ? 'met' : 'missed',
    figures: `${checked.length} runs, ${Math.min(...compared)} metrics compared each, ${mismatched} mismatched`,
  };
}
