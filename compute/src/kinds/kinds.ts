import { ServpingError, type DefinitionKind, type MetricKind } from '@servping/shared';
import type { Counter, SpecOf } from '../compute-context';
import { aggregatedKind } from './aggregated';
import { databaseKind } from './database';
import { internalEventsKind } from './internal-events';
import type { KindModule } from './kind-module';
import { licenseKind } from './license';
import { numbersKind } from './numbers';
import { prometheusKind } from './prometheus';
import { redisCounterKind } from './redis-counter';
import { redisHllKind } from './redis-hll';
import { settingKind } from './setting';
import { systemKind } from './system';
import { unsupportedKind } from './unsupported';

/** One module per kind, keyed by it: the mapped type makes a missing kind a compile error. */
export type KindTable = { readonly [K in MetricKind]: KindModule<K> };

/** The one place that registers the metric kinds. */
export const KINDS: KindTable = {
  database: databaseKind,
  redis_counter: redisCounterKind,
  redis_hll: redisHllKind,
  aggregated: aggregatedKind,
  internal_events: internalEventsKind,
  add: numbersKind,
  system: systemKind,
  setting: settingKind,
  license: licenseKind,
  prometheus: prometheusKind,
  unsupported: unsupportedKind,
};

/** The definition side of every kind, for `loadDictionary(files, definitionKinds)`. */
export const definitionKinds: readonly DefinitionKind[] = Object.values(KINDS).flatMap((k) =>
  k.definition ? [k.definition] : [],
);

/**
 * The counter registered for `kind`. The table is keyed by kind, so the counter found under a
 * spec's kind accepts that spec (TypeScript's correlated access on a mapped type).
 */
export function counterFor<K extends MetricKind>(kind: K): Counter<SpecOf<K>> {
  return KINDS[kind].counter;
}

/**
 * Fails at startup unless `table` holds exactly one module per kind, filed under its own kind,
 * with a counter function (a kind typed as `any` somewhere, or a table built at runtime, would
 * otherwise slip through).
 */
export function assertKindTable(table: Readonly<Record<string, unknown>>): void {
  const problems: string[] = [];
  const expected = Object.keys(KINDS);
  for (const kind of expected) {
    const entry = table[kind] as Partial<KindModule<MetricKind>> | undefined;
    if (typeof entry?.counter !== 'function') problems.push(`no counter for kind '${kind}'`);
    else if (entry.kind !== kind) problems.push(`kind '${String(entry.kind)}' is filed under '${kind}'`);
  }
  for (const key of Object.keys(table)) {
    if (!expected.includes(key)) problems.push(`counter for unknown kind '${key}'`);
  }
  if (problems.length > 0) {
    throw new ServpingError('SERVPING_UNSUPPORTED_METRIC', `kind table is invalid: ${problems.join('; ')}`);
  }
}

assertKindTable(KINDS);
