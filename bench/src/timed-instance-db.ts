import type { InstanceDbPort } from '@servping/compute';
import type { StatementTimer } from './statement-timer';

/**
 * The counting engine's database port with every statement timed: the bench hands this to the
 * same engine code the workers run, so what it measures is that code, not a copy.
 */
export function timedInstanceDb(db: InstanceDbPort, timer: StatementTimer): InstanceDbPort {
  return {
    runBatch: (sql, params, signal) => timer.time(sql, () => db.runBatch(sql, params, signal)),
    columnType: (table, column) =>
      timer.time(`-- column type of ${table}.${column}`, () => db.columnType(table, column)),
    hasLeadingIndex: (column) =>
      timer.time(`-- index on ${column.table}.${column.column}`, () => db.hasLeadingIndex(column)),
    bounds: (statement, signal) => timer.time(statement.text, () => db.bounds(statement, signal)),
  };
}
