#!/usr/bin/env node
/* global Buffer, setInterval, clearInterval */
// Ingest benchmark: POST /usage_data with a realistic ~3000-key payload, every request a new
// (uuid, recorded_at) so each one is a real insert, on loopback, for a bounded duration.
//
//   npx tsc -b services/versions && node bench/versions/ingest-bench.js [--duration 10] [--connections 10]
//       [--warmup 0] [--cpu-prof-dir DIR] [--url http://127.0.0.1:3001]
//
// --warmup S loads the server for S seconds before the measured run (JIT, the key-id cache and a
// fleet in the leader tables), so the figures are the steady state. --cpu-prof-dir writes the
// server's V8 CPU profile (node --cpu-prof) there when it stops.
//
// Without --url it creates a throw-away database, starts `node dist/main.js` as a child process
// (so the load generator does not share the server's event loop), and drops the database after.
// Prints one JSON line with throughput and latency percentiles. When it started the server itself
// (Linux only) the line also carries `cpuMsPerRequest`: CPU milliseconds per request spent by the
// server process, by the PostgreSQL backends of its database and by the load generator. Unlike
// throughput, these hardly move when other work shares the machine, so they compare builds. It also
// carries the server's resident memory (`serverRssMb`, from /proc, sampled every second of the
// measured run): first sample, largest, last, so a long run shows whether memory stays flat.
const { randomUUID } = require('node:crypto');
const autocannon = require('autocannon');
const {
  arg,
  realisticPayload,
  countLeaves,
  processCpuMs,
  processRssMb,
  backendCpuMs,
  cpuBetween,
  startVersionsChild,
} = require('./bench-support');

async function main() {
  const durationS = Number(arg('duration', '10'));
  const connections = Number(arg('connections', '10'));
  const warmupS = Number(arg('warmup', '0'));
  const profileDir = arg('cpu-prof-dir', undefined);
  const nodeArgs = profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
  const started = arg('url', undefined) ? undefined : await startVersionsChild({}, nodeArgs);
  const url = started ? started.url : arg('url', undefined);
  const child = started?.child;
  const dbName = started?.dbName;
  const template = JSON.stringify(realisticPayload());
  const leaves = countLeaves(realisticPayload());
  const start = Date.parse('2025-01-01T00:00:00Z');
  let n = 0;
  const load = (seconds) =>
    autocannon({
      url: `${url}/usage_data`,
      method: 'POST',
      connections,
      duration: seconds,
      headers: { 'content-type': 'application/json' },
      requests: [
        {
          setupRequest(req) {
            n += 1;
            const recordedAt = new Date(start + n * 1000).toISOString();
            return {
              ...req,
              body: template
                .replace('UUID_PLACEHOLDER', randomUUID())
                .replace('RECORDED_AT_PLACEHOLDER', recordedAt),
            };
          },
        },
      ],
    });
  try {
    if (warmupS > 0) await load(warmupS);
    const cpuBefore = child
      ? { server: processCpuMs(child.pid), backends: await backendCpuMs(dbName), bench: process.cpuUsage() }
      : undefined;
    const rssSamples = [];
    const sampleRss = () => {
      const mb = child ? processRssMb(child.pid) : undefined;
      if (mb !== undefined) rssSamples.push(mb);
    };
    sampleRss();
    const sampler = setInterval(sampleRss, 1000);
    let result;
    try {
      result = await load(durationS);
    } finally {
      clearInterval(sampler);
    }
    sampleRss();
    let cpuMsPerRequest;
    const serverAfter = child ? processCpuMs(child.pid) : undefined;
    if (cpuBefore && cpuBefore.server !== undefined && serverAfter !== undefined) {
      const total = result.requests.total || 1;
      const bench = process.cpuUsage(cpuBefore.bench);
      const round = (ms) => Math.round((ms / total) * 100) / 100;
      cpuMsPerRequest = {
        server: round(serverAfter - cpuBefore.server),
        postgres: round(cpuBetween(cpuBefore.backends, await backendCpuMs(dbName))),
        loadGenerator: round((bench.user + bench.system) / 1000),
      };
    }
    console.log(
      JSON.stringify({
        bench: 'versions-ingest',
        payloadKeys: leaves,
        payloadBytes: Buffer.byteLength(template),
        connections,
        durationS,
        warmupS,
        requests: result.requests.total,
        non2xx: result.non2xx,
        errors: result.errors,
        timeouts: result.timeouts,
        requestsPerSecond: result.requests.average,
        latencyMs: {
          p50: result.latency.p50,
          p90: result.latency.p90,
          p99: result.latency.p99,
          max: result.latency.max,
        },
        ...(cpuMsPerRequest ? { cpuMsPerRequest } : {}),
        ...(rssSamples.length > 0
          ? {
              serverRssMb: {
                first: rssSamples[0],
                max: Math.max(...rssSamples),
                last: rssSamples[rssSamples.length - 1],
              },
            }
          : {}),
      }),
    );
  } finally {
    await started?.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
