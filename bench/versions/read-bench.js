#!/usr/bin/env node
/* global fetch, structuredClone */
// Read benchmark: does the dashboard and read API stay fast however much the fleet has posted?
// Stores --pings pings of real size (~3000 numeric leaves each, ~1 % of them GitLab fallbacks
// (-1), spread over --instances instances, 4 weekly pings each, 8 versions) and, with every
// --metadata-every-th ping, a timing report of ~3000 metrics, all through the real ingest endpoints; then requests every
// dashboard and read-API route --rounds times and prints one JSON line with the timings.
//
//   npx tsc -b services/versions && node bench/versions/read-bench.js [--pings 10000] [--instances 2500] [--concurrency 4] [--rounds 5] [--metadata-every 1]
const { performance } = require('node:perf_hooks');
const { Client } = require('pg');
const { arg, databaseUrl, realisticPayload, startVersionsChild } = require('./bench-support');

const TOKEN = 'read-bench-token';
const WEEK_MS = 7 * 24 * 3600 * 1000;
const VERSIONS = ['16.9.0', '16.10.1', '16.11.2', '17.0.0', '17.1.0-ee', '17.2.1-ee', '17.3.0', '17.4.0'];

/** Every numeric leaf of `node` as [dotted path, value], in document order. */
function leaves(node, prefix = '') {
  if (typeof node === 'number') return [[prefix, node]];
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return [];
  return Object.entries(node).flatMap(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k));
}

/** Deterministic pseudo-random integer in [0, n) from two integers. */
function pick(a, b, n) {
  return Math.abs(((a * 2654435761) ^ (b * 40503)) % n);
}

/** Ping `p`: the template with values varied per instance and ~1 % of them failed (-1). */
function pingBody(template, p, instances, now) {
  const instance = p % instances;
  const week = Math.floor(p / instances) % 4;
  const doc = structuredClone(template);
  let i = 0;
  const vary = (node) => {
    for (const [k, v] of Object.entries(node)) {
      if (typeof v === 'number' && k !== 'active_user_count') {
        i++;
        node[k] = pick(p, i, 100) === 0 ? -1 : (v * (1 + (instance % 7))) % 100_000;
      } else if (v !== null && typeof v === 'object') vary(v);
    }
  };
  vary(doc.counts);
  vary(doc.usage_activity_by_stage);
  vary(doc.redis_hll_counters);
  doc.uuid = `bench-instance-${instance}`;
  doc.version = VERSIONS[instance % VERSIONS.length];
  doc.recorded_at = new Date(now - (3 - week) * WEEK_MS - instance * 1000).toISOString();
  return doc;
}

async function post(url, path, body) {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await res.arrayBuffer();
  if (res.status >= 300) throw new Error(`${path} answered ${res.status}`);
}

async function timeGet(url, path) {
  const started = performance.now();
  const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
  return performance.now() - started;
}

async function main() {
  const pings = Number(arg('pings', '10000'));
  const instances = Number(arg('instances', '2500'));
  const concurrency = Number(arg('concurrency', '4'));
  const rounds = Number(arg('rounds', '5'));
  // Every ping's timing report at full scale takes long to load on a small machine.
  const metadataEvery = Number(arg('metadata-every', '1'));
  const service = await startVersionsChild({ VERSIONS_READ_TOKENS: TOKEN });
  try {
    const template = realisticPayload();
    const names = leaves(template).map(([path]) => path);
    const now = Date.now();
    let next = 0;
    const loadStarted = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let p = next++; p < pings; p = next++) {
          const body = pingBody(template, p, instances, now);
          await post(service.url, '/usage_data', body);
          if (p % metadataEvery !== 0) continue;
          await post(service.url, '/usage_ping_metadata', {
            metadata: {
              uuid: body.uuid,
              metrics: names.map((name, i) => ({ name, time_elapsed: pick(p, i, 5000) / 1000 })),
            },
          });
        }
      }),
    );
    const loadS = (performance.now() - loadStarted) / 1000;
    // Steady state: what autovacuum does to an insert-only table after a while (statistics and
    // the visibility map that lets the failure ranking read its index alone).
    const vacuum = new Client({ connectionString: databaseUrl(service.dbName) });
    await vacuum.connect();
    await vacuum.query('VACUUM (ANALYZE)');
    await vacuum.end();

    const routes = [
      '/dashboard',
      '/dashboard?metric=counts.count_500',
      '/api/v1/metrics/health',
      '/api/v1/metrics/counts.issues/series',
      '/api/v1/metrics/usage_activity_by_stage.plan.plan_metric_5/series',
      '/api/v1/instances',
      '/api/v1/instances/bench-instance-7/pings',
    ];
    const timingsMs = {};
    for (const route of routes) {
      const samples = [];
      for (let r = 0; r < rounds; r++) samples.push(await timeGet(service.url, route));
      samples.sort((a, b) => a - b);
      timingsMs[route] = {
        median: Math.round(samples[Math.floor(samples.length / 2)]),
        max: Math.round(samples[samples.length - 1]),
      };
    }
    console.log(
      JSON.stringify({
        bench: 'versions-read',
        pings,
        instances,
        leavesPerPing: names.length,
        timingsPerReport: names.length,
        timingReports: Math.ceil(pings / metadataEvery),
        loadSeconds: Math.round(loadS),
        pingsPerSecond: Math.round((pings / loadS) * 10) / 10,
        rounds,
        timingsMs,
        slowestMedianMs: Math.max(...Object.values(timingsMs).map((t) => t.median)),
      }),
    );
  } finally {
    await service.stop({ keepDatabase: arg('keep-database', 'false') === 'true' });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
