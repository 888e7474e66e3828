import { countQuery } from '../../test/support/definitions';
import { CounterConfigError } from '../errors';
import { databaseWindow } from '../planning/database-window';
import { leadingIndexQuery } from './catalog-sql';
import { narrowingTimestamp, windowBoundsQuery } from './window-range';

const window = databaseWindow(new Date('2026-11-21T00:00:00Z'), '28d');
const issues = countQuery('issues');
const joinedProjects = {
  table: 'projects',
  left: { table: 'issues', column: 'project_id' },
  rightColumn: 'id',
};

describe('narrowingTimestamp', () => {
  it('is the main table’s timestamp column for a windowed metric batched on the main table', () => {
    expect(narrowingTimestamp(issues, window)).toEqual({ table: 'issues', column: 'created_at' });
    const distinct = countQuery('issues', {
      operation: 'distinct_count',
      column: { table: 'issues', column: 'author_id' },
    });
    expect(narrowingTimestamp(distinct, window)).toEqual({ table: 'issues', column: 'created_at' });
  });

  it.each([
    ['an all-time metric', issues, null],
    ['explicit start', countQuery('issues', { start: 5 }), window],
    ['explicit finish', countQuery('issues', { finish: 5 }), window],
    [
      'a timestamp on a joined table',
      countQuery('issues', {
        joins: [joinedProjects],
        timestampColumn: { table: 'projects', column: 'created_at' },
      }),
      window,
    ],
    [
      'a distinct count batched over a joined column',
      countQuery('issues', {
        operation: 'distinct_count',
        joins: [joinedProjects],
        column: { table: 'projects', column: 'creator_id' },
      }),
      window,
    ],
  ])('is null for %s', (_name, query, w) => {
    expect(narrowingTimestamp(query, w)).toBeNull();
  });
});

describe('windowBoundsQuery', () => {
  it('takes MIN/MAX of the batch column over the window’s rows behind an OFFSET 0 fence, values bound', () => {
    const statement = windowBoundsQuery(issues, window!);
    expect(statement.text).toBe(
      [
        'SELECT MIN(batch_value) AS min, MAX(batch_value) AS max FROM (',
        '  SELECT "issues"."id" AS batch_value FROM "issues"',
        '  WHERE "issues"."created_at" BETWEEN $1 AND $2',
        '  OFFSET 0',
        ') AS in_window',
      ].join('\n'),
    );
    expect(statement.params).toEqual(['2026-10-22T00:00:00.000Z', '2026-11-19T00:00:00.000Z']);
  });

  it('refuses a query that cannot be narrowed', () => {
    expect(() => windowBoundsQuery(countQuery('issues', { start: 1 }), window!)).toThrow(CounterConfigError);
  });
});

describe('leadingIndexQuery', () => {
  it('binds the quoted table and the bare column name', () => {
    expect(leadingIndexQuery({ table: 'issues', column: 'created_at' }).params).toEqual([
      '"issues"',
      'created_at',
    ]);
  });

  it('refuses an invalid identifier before any SQL exists', () => {
    expect(() => leadingIndexQuery({ table: 'issues; drop', column: 'created_at' })).toThrow(
      CounterConfigError,
    );
  });
});
