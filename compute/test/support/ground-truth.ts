import type { Client } from 'pg';
import {
  databaseWindow,
  readUnbatchedValue,
  renderUnbatchedQuery,
  type DatabaseQuery,
  type MetricValue,
  type TimeFrame,
} from '@servping/shared';

/**
 * A ground-truth reader for a test database: `query`'s one plain exact statement over the
 * `timeFrame` window of the run at `recordedAt`, run on `client`, read as the payload value.
 */
export function groundTruthOn(
  client: () => Client,
  recordedAt: Date,
): (query: DatabaseQuery, timeFrame: TimeFrame) => Promise<MetricValue> {
  return async (query, timeFrame) => {
    const statement = renderUnbatchedQuery(query, databaseWindow(recordedAt, timeFrame));
    const { rows } = await client().query({ text: statement.text, values: statement.params });
    return readUnbatchedValue(query, rows);
  };
}
