import {
  NON_SQL_METRIC,
  databaseWindow,
  nestByKeyPath,
  payloadDefinitions,
  renderDisplaySql,
  type DataCategory,
  type MetricDefinition,
  type MetricValue,
  type PayloadObject,
} from '@servping/shared';

/** The facts both exports start with, as GitLab's queries and non-SQL exports do. */
export interface ExportFacts {
  uuid: string;
  hostname: string;
  version: string;
  edition: string;
  installationType: string;
  recordedAt: Date;
  permittedDataCategories: readonly DataCategory[];
}

function factEntries(facts: ExportFacts): [string, MetricValue][] {
  return [
    ['recorded_at', facts.recordedAt.toISOString()],
    ['uuid', facts.uuid],
    ['hostname', facts.hostname],
    ['version', facts.version],
    ['edition', facts.edition],
    ['installation_type', facts.installationType],
  ];
}

/**
 * GitLab's `/usage_data/queries`: the payload's shape with each database metric's SQL, values
 * inlined, windows resolved against `recordedAt` (the time of the request). A definition the
 * counting engine refuses shows the reason instead of SQL.
 */
export function queriesExport(definitions: readonly MetricDefinition[], facts: ExportFacts): PayloadObject {
  const entries = factEntries(facts);
  for (const definition of payloadDefinitions(definitions, facts.permittedDataCategories)) {
    if (definition.spec.kind !== 'database') continue;
    let sql: string;
    try {
      sql = renderDisplaySql(definition.spec.query, databaseWindow(facts.recordedAt, definition.timeFrame));
    } catch (err) {
      sql = `-- not computable: ${(err as Error).message}`;
    }
    entries.push([definition.keyPath, sql]);
  }
  return nestByKeyPath(entries);
}

/**
 * GitLab's `/usage_data/non_sql_metrics`: the payload's shape with every SQL (database) metric as
 * -3. Non-SQL values are taken from the last stored payload rather than recomputed here (computing
 * them is the workers' job); without a stored payload, only facts and the -3 leaves are returned.
 */
export function nonSqlExport(
  definitions: readonly MetricDefinition[],
  facts: ExportFacts,
  lastPayload: Record<string, unknown> | undefined,
): PayloadObject {
  const entries = factEntries(facts);
  const factKeys = new Set(entries.map(([key]) => key));
  for (const definition of payloadDefinitions(definitions, facts.permittedDataCategories)) {
    if (factKeys.has(definition.keyPath)) continue;
    if (definition.spec.kind === 'database') {
      entries.push([definition.keyPath, NON_SQL_METRIC]);
      continue;
    }
    const stored = lastPayload ? valueAt(lastPayload, definition.keyPath) : undefined;
    if (stored !== undefined) entries.push([definition.keyPath, stored]);
  }
  return nestByKeyPath(entries);
}

function valueAt(payload: Record<string, unknown>, keyPath: string): MetricValue | undefined {
  let node: unknown = payload;
  for (const part of keyPath.split('.')) {
    if (node === null || typeof node !== 'object' || !(part in node)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node as MetricValue;
}
