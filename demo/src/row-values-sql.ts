/**
 * The inner SELECT of one table's row generator: values computed once per row and referenced by
 * name from the outer SELECT list. A uniform that decides five CASE branches, or a created_at
 * that also fills updated_at and bounds closed_at, would otherwise be evaluated once per use.
 * `OFFSET 0` keeps PostgreSQL from pulling the subquery up and inlining the expressions again.
 * generate_series is called in a SELECT list, which streams its values, not in FROM, where
 * PostgreSQL first stores them all in a tuplestore (about 50 ns a row, 0.5 s of CPU at 10⁷).
 */
export class RowValues {
  /** The row id as the outer SELECT list sees it. */
  static readonly ID = 's.id';
  /** The row id inside the inner SELECT (a `generate_series` value). */
  static readonly INNER_ID = 'g.id';

  /** Inner expression → its column name, in first-use order. */
  private readonly names = new Map<string, string>();

  /**
   * A reference, valid in the outer SELECT list, to `expression` (over {@link RowValues.INNER_ID}
   * and the statement's parameters) computed once per row; the same expression gets one column.
   */
  once(expression: string): string {
    let name = this.names.get(expression);
    if (name === undefined) {
      name = `v${this.names.size}`;
      this.names.set(expression, name);
    }
    return `s.${name}`;
  }

  /** The FROM item producing ids `$2..$3` and every value registered with {@link once}. */
  fromSql(): string {
    const values = [...this.names].map(([expression, name]) => `,\n    ${expression} AS ${name}`).join('');
    return (
      `(SELECT ${RowValues.INNER_ID} AS id${values}\n` +
      `   FROM (SELECT generate_series($2::bigint, $3::bigint) AS id) AS g OFFSET 0) AS s`
    );
  }
}
