/**
 * The counting engine on an instance whose keys and values do not look like the demo's
 * (`adversarial-instance.ts`): every exact metric equals one plain statement, estimates stay
 * within HLL error, nothing is refused, and island-shaped keys cost statements by rows read.
 */
import { finalValue, type MetricDefinition } from '@servping/shared';
import { InstanceDbRepository } from '../../src/repositories/instance-db.repository';
import { computeDatabaseMetric } from '../../src/kinds/database/database-metric';
import type { InstanceDbPort } from '../../src/ports/instance-db.port';
import { createTestDatabase } from '../support/database-fixture';
import {
  RECORDED_AT,
  adversarialDefinitions,
  plainSqlValue,
  queryOf,
  seedAdversarialInstance,
  expectPlainSqlAnswer,
} from '../support/adversarial-instance';

let fixture: Awaited<ReturnType<typeof createTestDatabase>>;
let repository: InstanceDbRepository;
const definitions = adversarialDefinitions();

beforeAll(async () => {
  fixture = await createTestDatabase('adversarial');
  await seedAdversarialInstance(fixture.client);
  repository = InstanceDbRepository.connect({ connectionString: fixture.url, max: 2 });
});

afterAll(async () => {
  await repository?.close();
  await fixture?.drop();
});

/** The repository, counting the statements each metric runs. */
function countingDb(): { db: InstanceDbPort; statements: () => number } {
  let statements = 0;
  const db: InstanceDbPort = {
    runBatch: (sql, params, signal) => {
      statements += 1;
      return repository.runBatch(sql, params, signal);
    },
    columnType: (table, column) => repository.columnType(table, column),
    hasLeadingIndex: (column) => repository.hasLeadingIndex(column),
    bounds: (statement, signal) => {
      statements += 1;
      return repository.bounds(statement, signal);
    },
  };
  return { db, statements: () => statements };
}

async function compute(definition: MetricDefinition, db: InstanceDbPort, targetStatementMs?: number) {
  const partial = await computeDatabaseMetric({
    query: queryOf(definition),
    timeFrame: definition.timeFrame,
    recordedAt: RECORDED_AT,
    db,
    ...(targetStatementMs === undefined ? {} : { targetStatementMs }),
  });
  return finalValue(partial);
}

describe('the counting engine on an adversarial instance', () => {
  it.each(definitions.map((d) => [d.keyPath, d] as const))(
    '%s equals plain SQL, with fixed and with adaptive batch sizes',
    async (_keyPath, definition) => {
      const exact = await plainSqlValue(fixture.client, definition);
      for (const target of [undefined, 250]) {
        const value = await compute(definition, countingDb().db, target);
        expectPlainSqlAnswer(`${definition.keyPath} (target ${target ?? 'none'})`, definition, value, exact);
      }
    },
  );

  it('carries a bigint sum past 2⁶³ as its exact digits', async () => {
    const definition = definitions.find((d) => d.keyPath === 'islands.value_sum')!;
    const { rows } = await fixture.client.query<{ total: string }>(
      'SELECT SUM(value)::text AS total FROM islands',
    );
    expect(BigInt(rows[0]!.total)).toBeGreaterThan(2n ** 63n);
    expect(await compute(definition, countingDb().db)).toBe(rows[0]!.total);
  });

  it('needs statements by rows read on an island key, not by its 2⁶³-wide span', async () => {
    // 6 000 rows in 4 islands between 1 and 2⁶³ − 1 at 500 rows a batch: 12 batches of rows, at
    // most one more per island, plus the bounds. GitLab's batches would number 2⁶³ / 500.
    const definition = definitions.find((d) => d.keyPath === 'islands.count')!;
    const { db, statements } = countingDb();
    expect(await compute(definition, db)).toBe(6_000);
    expect(statements()).toBeLessThanOrEqual(1 + 12 + 4);
  });

  it('needs statements by rows read on random ids over the whole int8 range', async () => {
    const definition = definitions.find((d) => d.keyPath === 'sparse.count')!;
    const { db, statements } = countingDb();
    expect(await compute(definition, db, 250)).toEqual(await plainSqlValue(fixture.client, definition));
    // ~3 000 rows 6·10¹⁵ apart: the width grows ×16 per quick batch from 100 000 until a batch
    // holds many rows (~10 batches), one probe shows fewer rows than the budget remain, and the
    // bounds: about a dozen statements where fixed 100 000-wide batches need one per row.
    expect(statements()).toBeLessThanOrEqual(20);
  });
});
