import type { ComputeContext } from '../../src/compute-context';

/**
 * The context a database metric needs and nothing more: the instance database and the run's
 * clock. Redis, facts and settings are left out on purpose, so a database counter that reached
 * for them would fail the test.
 */
export function databaseContext(
  db: ComputeContext['db'],
  extra: Partial<ComputeContext> = {},
): ComputeContext {
  return {
    recordedAt: new Date('2024-03-01T00:00:00Z'),
    db,
    usage: undefined as unknown as ComputeContext['usage'],
    facts: undefined as unknown as ComputeContext['facts'],
    settings: {},
    license: {},
    ...extra,
  };
}
