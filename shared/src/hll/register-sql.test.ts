import { registerQuery, type HashableType } from './register-sql';

const fromWhereSql = 'FROM "events" WHERE "events"."id" >= $1 AND "events"."id" < $2';

describe('registerQuery', () => {
  it('builds the servping statement: low 14 bits, min of the next 50 per register, packed as one text', () => {
    expect(
      registerQuery({ mode: 'servping', valueSql: '"events"."name"', valueType: 'text', fromWhereSql }),
    ).toBe(
      [
        "SELECT string_agg(reg::text || ':' || w::text, ',') AS registers FROM (",
        '  SELECT (h & 16383)::int AS reg, min((h >> 14) & 1125899906842623) AS w',
        '  FROM (SELECT hashtextextended("events"."name", 0) AS h FROM "events" WHERE "events"."id" >= $1 AND "events"."id" < $2) AS hashed_values',
        '  GROUP BY 1',
        ') AS register_minima',
      ].join('\n'),
    );
  });

  it.each<[HashableType, string]>([
    ['text', 'hashtextextended("v", 0)'],
    ['uuid', 'uuid_hash_extended("v", 0)'],
    ['other', 'hashtextextended(("v")::text, 0)'],
    [
      'integer',
      'CASE WHEN "v" >= 0 AND "v" < 4294967296 THEN hashint8extended("v", 0) ELSE hashtextextended(("v")::text, 0) END',
    ],
  ])('hashes a %s value with %s', (valueType, hash) => {
    const sql = registerQuery({ mode: 'servping', valueSql: '"v"', valueType, fromWhereSql });
    expect(sql).toContain(`SELECT ${hash} AS h FROM`);
  });

  it("builds GitLab's md5 statement whatever the value type", () => {
    const expected = [
      'WITH hashed_attributes AS MATERIALIZED (',
      `  SELECT CAST(('X' || md5(CAST("events"."user_id" AS text))) AS bit(32)) AS attr_hash_32_bits ${fromWhereSql}`,
      ')',
      "SELECT (attr_hash_32_bits & B'00000000000000000000000111111111')::int AS bucket_num,",
      "  (31 - floor(log(2, min((attr_hash_32_bits & B'01111111111111111111111111111111')::int))))::int AS bucket_hash",
      'FROM hashed_attributes',
      'GROUP BY 1',
    ].join('\n');
    for (const valueType of ['integer', 'text'] as const) {
      expect(registerQuery({ mode: 'gitlab', valueSql: '"events"."user_id"', valueType, fromWhereSql })).toBe(
        expected,
      );
    }
  });
});
