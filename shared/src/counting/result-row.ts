/** A result row as `pg` returns it: bigint and numeric arrive as strings. */
export type ResultRow = Record<string, unknown>;
