// The public surface of @servping/bench: one bench run, its options and its report.
export type { BenchIo } from './bench-io';
export { benchDatabases, defaultHllMax, scaleLabel, type BenchOptions } from './bench-options';
export { modeBars, renderMarkdown, renderModeChart } from './bench-report';
export type { BenchResult } from './bench-result';
export { deleteQueueKeys } from './bench-state.repository';
export { runBench } from './run-bench';
