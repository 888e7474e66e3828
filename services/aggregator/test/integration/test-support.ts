import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import knex from 'knex';
import { Client } from 'pg';
import type { QueueEvents } from 'bullmq';
import { postgresServerUrl } from '@servping/test-servers';

const SERVER_URL = postgresServerUrl;

/** A fresh database migrated with the collector's schema; `drop` removes it. */
export async function createServpingTestDatabase(
  label: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `servping_${label}_${randomUUID().slice(0, 8)}`;
  const admin = new Client({ connectionString: `${SERVER_URL}/test` });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = `${SERVER_URL}/${name}`;
  const db = knex({ client: 'pg', connection: url, pool: { min: 0, max: 1 } });
  try {
    await db.migrate.latest({
      directory: path.resolve(__dirname, '../../../collector/migrations'),
      loadExtensions: ['.js'],
    });
    await db.raw(
      `INSERT INTO settings (id, hostname, version, edition, installation_type, versions_url, permitted_data_categories, license)
       VALUES (1, 'gitlab.test', '17.5.0', 'CE', 'source', 'http://127.0.0.1:9/', ARRAY['standard','subscription','operational','optional'], '{"plan":"free"}')`,
    );
  } finally {
    await db.destroy();
  }
  return {
    url,
    drop: async () => {
      const c = new Client({ connectionString: `${SERVER_URL}/test` });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

/** What the Versions stub saw, in order. */
export interface StubCall {
  path: string;
  status: number;
  body: unknown;
}

/**
 * A real Versions stand-in on an ephemeral port: `answers` gives the status of each successive
 * `/usage_data` POST (the last one repeats); the others always answer 201.
 */
export async function startVersionsStub(answers: number[]): Promise<{
  url: string;
  calls: StubCall[];
  nextCall: (path: string) => Promise<StubCall>;
  close: () => Promise<void>;
}> {
  const calls: StubCall[] = [];
  const waiters: Array<{ path: string; resolve: (c: StubCall) => void }> = [];
  let usageDataPosts = 0;
  const app = express();
  app.use(express.json({ limit: '5mb' }));
  app.post('/:path', (req, res) => {
    const path = `/${req.params.path}`;
    let status = 201;
    let body: unknown = {};
    if (path === '/usage_data') {
      status = answers[Math.min(usageDataPosts, answers.length - 1)] as number;
      usageDataPosts += 1;
      body = status < 300 ? { conv_index: { usage_data_id: 4242, leader_issues: 10.2 } } : { error: 'nope' };
    }
    const call = { path, status, body: req.body as unknown };
    calls.push(call);
    res.status(status).json(body);
    const i = waiters.findIndex((w) => w.path === path);
    if (i >= 0) waiters.splice(i, 1)[0]?.resolve(call);
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    calls,
    nextCall: (path) => new Promise((resolve) => waiters.push({ path, resolve })),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A URL nothing listens on: a server is started on an ephemeral port and closed again. */
export async function deadUrl(): Promise<string> {
  const stub = await startVersionsStub([500]);
  await stub.close();
  return stub.url;
}

type JobEvent = 'completed' | 'failed' | 'delayed';

/**
 * Resolves on the next of `kinds` for `jobId` on the queue. A failed attempt that will be retried
 * is `delayed` (BullMQ emits `failed` only once no attempt is left).
 */
export function nextJobEvent(
  events: QueueEvents,
  jobId: string,
  kinds: readonly JobEvent[] = ['completed', 'failed'],
): Promise<{ event: JobEvent; detail: string }> {
  return new Promise((resolve) => {
    const listeners = kinds.map((kind) => {
      const listener = (e: {
        jobId: string;
        returnvalue?: unknown;
        failedReason?: string;
        delay?: number;
      }) => {
        if (e.jobId !== jobId) return;
        for (const [k, l] of listeners) events.off(k, l);
        const detail =
          kind === 'completed' ? JSON.stringify(e.returnvalue) : kind === 'failed' ? e.failedReason : '';
        resolve({ event: kind, detail: detail ?? '' });
      };
      events.on(kind, listener);
      return [kind, listener] as const;
    });
  });
}
