import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { createLogger } from '@servping/runtime';
import { buildVersions, createVersionsDatabase, loadConfig, type VersionsApp } from '@servping/versions';
import { adminSql, postgresUrl } from '@servping/test-servers';

const ADMIN_URL = postgresUrl('test');
export const READ_TOKEN = 'reader-token-for-tests';

export interface RunningVersions {
  baseUrl: string;
  versions: VersionsApp;
  databaseUrl: string;
  close: () => Promise<void>;
}

/**
 * Starts the service on a fresh, uniquely named database and a random port. `close` stops it and
 * drops the database.
 */
export async function startVersions(
  env: Record<string, string> = {},
  now?: () => Date,
): Promise<RunningVersions> {
  const dbName = `versions_test_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
  await adminSql(`CREATE DATABASE ${dbName}`);
  const databaseUrl = new URL(ADMIN_URL);
  databaseUrl.pathname = `/${dbName}`;
  const config = loadConfig({
    VERSIONS_DATABASE_URL: databaseUrl.toString(),
    VERSIONS_PORT: '0',
    VERSIONS_HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    VERSIONS_READ_TOKENS: `other-token,${READ_TOKEN}`,
    VERSIONS_RATE_LIMIT_PER_MINUTE: '0',
    ...env,
  });
  const versions = buildVersions(config, now ? { now } : {});
  const { port } = await versions.start();
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    versions,
    databaseUrl: databaseUrl.toString(),
    close: async () => {
      await versions.stop();
      await adminSql(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    },
  };
}

/**
 * A Versions database of its own for a migration test, not migrated: created before the file's
 * tests and dropped after them (registers its own beforeAll/afterAll).
 */
export function scratchVersionsDatabase(prefix: string): { db: Knex; connectionString: string } {
  const dbName = `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const url = new URL(ADMIN_URL);
  url.pathname = `/${dbName}`;
  const db = createVersionsDatabase({
    connectionString: url.toString(),
    poolMax: 2,
    statementTimeoutMs: 0,
    logger: createLogger({ service: 'versions-test', level: 'silent' }),
  });
  beforeAll(() => adminSql(`CREATE DATABASE ${dbName}`));
  afterAll(async () => {
    await db.destroy();
    await adminSql(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  });
  return { db, connectionString: url.toString() };
}

/** A small but realistic ping. */
export function makePayload(
  options: {
    uuid?: string;
    recordedAt?: string;
    version?: string;
    activeUsers?: number;
    counts?: Record<string, unknown>;
    extra?: Record<string, unknown>;
  } = {},
): Record<string, unknown> {
  return {
    uuid: options.uuid ?? randomUUID(),
    hostname: 'gitlab.example.com',
    version: options.version ?? '16.11.2',
    installation_type: 'omnibus-gitlab',
    active_user_count: options.activeUsers ?? 10,
    recorded_at: options.recordedAt ?? '2025-06-02T08:00:00.000Z',
    edition: 'EE',
    license_md5: '0'.repeat(32),
    license_sha256: 'a'.repeat(64),
    license_id: 42,
    license_plan: 'ultimate',
    license_user_count: 100,
    license_starts_at: '2025-01-01',
    license_expires_at: '2026-01-01',
    license_trial: false,
    licensee: { Name: 'ABC, Inc.' },
    counts: options.counts ?? {
      issues: 32,
      notes: 100,
      boards: 3,
      ci_internal_pipelines: 5,
      ci_external_pipelines: 1,
    },
    usage_activity_by_stage: { plan: { issues: 5 }, create: { merge_requests: 7 } },
    settings: { ldap_encrypted_secrets_enabled: false },
    ...options.extra,
  };
}

/** A JSON value read as an object, to read its fields; throws, failing the test, when it is not one. */
export function jsonObject(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`expected a JSON object, got ${JSON.stringify(value)}`);
  }
  return value as Record<string, unknown>;
}

/** A JSON value read as an array; throws, failing the test, when it is not one. */
export function jsonArray(value: unknown): unknown[] {
  if (!Array.isArray(value)) throw new Error(`expected a JSON array, got ${JSON.stringify(value)}`);
  return value as unknown[];
}

/** A JSON value read as an array of objects; throws, failing the test, when it is not one. */
export function jsonObjects(value: unknown): Array<Record<string, unknown>> {
  return jsonArray(value).map(jsonObject);
}

/** One field of a JSON object (undefined when absent); throws, failing the test, when `value` is no object. */
export function jsonField(value: unknown, name: string): unknown {
  return jsonObject(value)[name];
}

/** The `conv_index` object of a /usage_data answer; throws, failing the test, when there is none. */
export function convIndex(body: unknown): Record<string, unknown> {
  return jsonObject(jsonField(body, 'conv_index'));
}

/** A JSON value read as a number; throws, failing the test, when it is not one. */
export function jsonNumber(value: unknown): number {
  if (typeof value !== 'number') throw new Error(`expected a JSON number, got ${JSON.stringify(value)}`);
  return value;
}

export async function postJson(
  baseUrl: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown; headers: Headers }> {
  const res = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body),
  });
  const text = await res.text();
  const parsed: unknown = text ? JSON.parse(text) : undefined;
  return { status: res.status, body: parsed, headers: res.headers };
}

export async function getJson(
  baseUrl: string,
  path: string,
  token: string | undefined = READ_TOKEN,
): Promise<{ status: number; body: unknown; headers: Headers }> {
  const res = await fetch(`${baseUrl}${path}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  const text = await res.text();
  const parsed: unknown = text ? JSON.parse(text) : undefined;
  return { status: res.status, body: parsed, headers: res.headers };
}
