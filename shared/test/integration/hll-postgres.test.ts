import { createHash, randomBytes } from 'node:crypto';
import { Client } from 'pg';
import {
  applyGitlabRows,
  applyRegisterText,
  deserializeSketch,
  emptyRegisters,
  estimate,
  gitlabBucketsFromMd5,
  gitlabEstimate,
  mergeRegisters,
  registerQuery,
  serializeSketch,
  type GitlabBuckets,
  type GitlabBucketRow,
  type HashableType,
} from '@servping/shared';
import { postgresUrl } from '@servping/test-servers';

const ADMIN_URL = postgresUrl('test');
const database = `hll_test_${randomBytes(6).toString('hex')}`;
const BATCH_SIZE = 100_000;
let admin: Client;
let db: Client;

/** One batch loop over the primary key, the way the counting engine drives registerQuery. */
async function sketchOf(column: string, valueType: HashableType, lastId: number): Promise<Uint8Array> {
  let sketch = emptyRegisters();
  for (let start = 1; start <= lastId; start += BATCH_SIZE) {
    const sql = registerQuery({
      mode: 'servping',
      valueSql: `"items"."${column}"`,
      valueType,
      fromWhereSql: `FROM "items" WHERE "items"."id" >= $1 AND "items"."id" < $2 AND "items"."${column}" IS NOT NULL`,
    });
    const { rows } = await db.query<{ registers: string | null }>(sql, [
      start,
      Math.min(start + BATCH_SIZE, lastId + 1),
    ]);
    // Each batch becomes its own sketch and is merged, as shard results are merged by the aggregator.
    sketch = mergeRegisters(sketch, applyRegisterText(emptyRegisters(), rows[0]?.registers));
  }
  return sketch;
}

async function gitlabBucketsOf(table: string, column: string, lastId: number, batchSize: number) {
  const buckets: GitlabBuckets = {};
  for (let start = 1; start <= lastId; start += batchSize) {
    const sql = registerQuery({
      mode: 'gitlab',
      valueSql: `"${table}"."${column}"`,
      valueType: 'text',
      fromWhereSql: `FROM "${table}" WHERE "${table}"."id" >= $1 AND "${table}"."id" < $2 AND "${table}"."${column}" IS NOT NULL`,
    });
    const { rows } = await db.query<GitlabBucketRow>(sql, [start, start + batchSize]);
    applyGitlabRows(buckets, rows);
  }
  return buckets;
}

const relativeError = (estimated: number, exact: number) => Math.abs(estimated - exact) / exact;

beforeAll(async () => {
  admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  db = new Client({ connectionString: ADMIN_URL.replace(/\/test$/, `/${database}`) });
  await db.connect();
  // dup: 7919 is coprime with 400 000, so (id·7919) mod 400 000 takes exactly 400 000 values over
  // 1e6 ids. big: every id ≥ 2^32 whose two 32-bit halves are equal, the values that collide under
  // hashint8extended's hi ^ lo folding.
  await db.query(`
    CREATE TABLE items (
      id bigint PRIMARY KEY, val bigint, dup int, big bigint, name text, token uuid);
    INSERT INTO items
      SELECT g, g, ((g::bigint * 7919) % 400000)::int, g::bigint * 4294967296 + g, 'user-' || g,
             md5(g::text)::uuid
      FROM generate_series(1, 1000000) AS g;
    CREATE TABLE ci_builds (id bigint PRIMARY KEY, name text);
    INSERT INTO ci_builds SELECT g, g::text FROM generate_series(1, 5) AS g;
    CREATE TABLE strings (id bigint PRIMARY KEY, name text);
    INSERT INTO strings SELECT g + 1, g::text FROM generate_series(0, 99999) AS g;
    ANALYZE;`);
}, 120_000);

afterAll(async () => {
  await db?.end();
  await admin?.query(`DROP DATABASE IF EXISTS ${database}`);
  await admin?.end();
});

describe('servping register SQL on PostgreSQL', () => {
  it.each<[string, HashableType, number, number]>([
    ['val', 'integer', 100_000, 100_000],
    ['val', 'integer', 1_000_000, 1_000_000],
    ['dup', 'integer', 1_000_000, 400_000],
    ['big', 'integer', 1_000_000, 1_000_000],
    ['name', 'text', 100_000, 100_000],
    ['name', 'text', 1_000_000, 1_000_000],
    ['token', 'uuid', 1_000_000, 1_000_000],
    ['val', 'other', 100_000, 100_000],
  ])('estimates %s (%s) over ids 1..%d within 2%% of %d', async (column, valueType, lastId, exact) => {
    const sketch = await sketchOf(column, valueType, lastId);
    expect(relativeError(estimate(sketch), exact)).toBeLessThanOrEqual(0.02);
  });

  it('gives the same registers for a column whatever the batching, and survives serialization', async () => {
    const whole = await sketchOf('dup', 'integer', 1_000_000);
    const sql = registerQuery({
      mode: 'servping',
      valueSql: '"items"."dup"',
      valueType: 'integer',
      fromWhereSql: 'FROM "items" WHERE "items"."dup" IS NOT NULL',
    });
    const { rows } = await db.query<{ registers: string | null }>(sql);
    const oneShot = applyRegisterText(emptyRegisters(), rows[0]?.registers);
    expect(oneShot).toEqual(whole);
    expect(deserializeSketch(serializeSketch(whole))).toEqual(whole);
  });
});

describe('GitLab md5 register SQL on PostgreSQL', () => {
  it.each([1, 2, 4, 5, 6, 50_000])(
    "estimates ci_builds.name '1'..'5' as 5.024574181542231 with batch size %d",
    async (batchSize) => {
      expect(gitlabEstimate(await gitlabBucketsOf('ci_builds', 'name', 5, batchSize))).toBe(
        5.024574181542231,
      );
    },
  );

  it("computes the same buckets as the md5 port for the strings '0'..'99999'", async () => {
    const fromSql = await gitlabBucketsOf('strings', 'name', 100_000, BATCH_SIZE);
    const values = Array.from({ length: 100_000 }, (_, i) =>
      createHash('md5').update(String(i)).digest('hex'),
    );
    expect(fromSql).toEqual(gitlabBucketsFromMd5(values));
    expect(gitlabEstimate(fromSql)).toBe(100764);
  });
});
