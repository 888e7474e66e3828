import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { RawUsageDataRepository, RunsRepository, SettingsRepository } from '@servping/runtime';
import type { TokenTable } from '../http/auth';
import type { RunTrigger } from '../runs/run-trigger';
import type { RunViews } from '../runs/run-view';

/** What the console's routes use, handed in by the collector's wiring. */
export interface ConsoleDeps {
  tokens: TokenTable;
  settings: SettingsRepository;
  runs: RunsRepository;
  views: RunViews;
  trigger: RunTrigger;
  payloads: RawUsageDataRepository;
  metricsQueue: Queue;
  /** SERVPING_SCHEDULE_ENABLED and SERVPING_SCHEDULE_SPLAY_SECONDS, to say when the next run is. */
  schedule: { enabled: boolean; splayS: number };
  session: { secret: string; ttlS: number };
  clock: () => Date;
  logger: Logger;
}
