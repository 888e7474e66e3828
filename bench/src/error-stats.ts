/** Relative-error summaries of estimates against exact counts (pure). */

export interface ErrorSample {
  cardinality: number;
  exact: number;
  estimate: number;
}

export interface ErrorSummary {
  samples: number;
  /** Mean of |estimate − exact| / exact, in percent. */
  meanPct: number;
  /** Nearest-rank 95th percentile of the relative errors, in percent. */
  p95Pct: number;
  maxPct: number;
}

export function relativeErrorPct(sample: ErrorSample): number {
  return (Math.abs(sample.estimate - sample.exact) / sample.exact) * 100;
}

/** Nearest-rank percentile (the smallest value with at least q of the samples at or below it). */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1] as number;
}

export function summarizeErrors(samples: readonly ErrorSample[]): ErrorSummary {
  const errors = samples.map(relativeErrorPct).sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 1000) / 1000;
  return {
    samples: errors.length,
    meanPct: round(errors.reduce((s, e) => s + e, 0) / (errors.length || Number.NaN)),
    p95Pct: round(percentile(errors, 0.95)),
    maxPct: round(errors.length > 0 ? (errors[errors.length - 1] as number) : Number.NaN),
  };
}
