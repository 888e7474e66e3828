/**
 * The ingest section: Versions alone as a child process (its own database), loaded by Versions'
 * own ingest benchmark (`bench/versions/ingest-bench.js`, autocannon in a third process
 * so neither shares the server's event loop), with the server's memory read before and after.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { dropDatabase, ensureDatabase } from '@servping/demo';
import { freePorts, serviceCommand } from '@servping/stack';
import { readProcessMemory, type ProcessMemory } from './process-memory';

export interface IngestOptions {
  repoRoot: string;
  versionsUrl: string;
  durationS: number;
  connections: number;
  logDir: string;
}

export interface IngestResult {
  payloadKeys: number;
  payloadBytes: number;
  connections: number;
  durationS: number;
  requests: number;
  non2xx: number;
  errors: number;
  payloadsPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  serverMemoryBefore: ProcessMemory | null;
  serverMemoryAfter: ProcessMemory | null;
}

interface IngestBenchLine {
  payloadKeys: number;
  payloadBytes: number;
  requests: number;
  non2xx: number;
  errors: number;
  requestsPerSecond: number;
  latencyMs: IngestResult['latencyMs'];
}

export async function runIngestSection(options: IngestOptions): Promise<IngestResult> {
  // A fresh database each time: Versions migrates it at start and the rows of earlier runs
  // would otherwise make each insert's uniqueness and leader-window lookups slower run by run.
  await dropDatabase(options.versionsUrl);
  await ensureDatabase(options.versionsUrl);
  mkdirSync(options.logDir, { recursive: true });
  const [port] = (await freePorts(1)) as [number];
  const serverUrl = `http://127.0.0.1:${port}`;
  const server = spawn(process.execPath, serviceCommand(options.repoRoot, 'versions'), {
    env: {
      ...process.env,
      VERSIONS_PORT: String(port),
      VERSIONS_HOST: '127.0.0.1',
      VERSIONS_DATABASE_URL: options.versionsUrl,
      // The benchmark sends from one address; the per-client limit would measure itself.
      VERSIONS_RATE_LIMIT_PER_MINUTE: '0',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(path.join(options.logDir, 'versions-ingest.log'), { flags: 'a' });
  server.stdout?.pipe(log);
  server.stderr?.pipe(log);
  try {
    await waitReady(serverUrl, server);
    const pid = server.pid ?? -1;
    const before = await readProcessMemory(pid);
    const line = await runNode(
      [
        path.join(options.repoRoot, 'bench/versions/ingest-bench.js'),
        '--url',
        serverUrl,
        '--duration',
        String(options.durationS),
        '--connections',
        String(options.connections),
      ],
      options.repoRoot,
    );
    const after = await readProcessMemory(pid);
    const parsed = JSON.parse(line) as IngestBenchLine;
    return {
      payloadKeys: parsed.payloadKeys,
      payloadBytes: parsed.payloadBytes,
      connections: options.connections,
      durationS: options.durationS,
      requests: parsed.requests,
      non2xx: parsed.non2xx,
      errors: parsed.errors,
      payloadsPerSecond: parsed.requestsPerSecond,
      latencyMs: parsed.latencyMs,
      serverMemoryBefore: before,
      serverMemoryAfter: after,
    };
  } finally {
    await stopChild(server);
  }
}

async function waitReady(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`versions exited with code ${child.exitCode} during start`);
    const ok = await fetch(`${url}/readyz`).then(
      (res) => res.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`versions did not answer ${url}/readyz within 30 s`);
}

/** Runs `node <args>` and resolves to its last non-empty stdout line; rejects on a non-zero exit. */
function runNode(args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const last = stdout.trim().split('\n').pop() ?? '';
      if (code === 0 && last) resolve(last);
      else reject(new Error(`ingest benchmark exited with ${code}: ${stderr.slice(-500)}`));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
