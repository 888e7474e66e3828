/**
 * infra/k8s, checked without a cluster: every document against the client-node models (unknown
 * fields, wrong types, API versions), then the wiring a schema cannot see: labels and selectors,
 * probes on the served port, images the Dockerfile builds, variables the services read.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { QUEUE_NAMES } from '@servping/shared';
import { durationMs, loadDockerfile, REPO_ROOT, resolveTarget } from './dockerfile';
import {
  loadModelTypes,
  modelName,
  STABLE_API_VERSIONS,
  validateAgainstModel,
  type ModelTypes,
} from './kubernetes-models';
import { PORT_VARIABLE, SERVICES, serviceVariables, variablesToSet, type ServiceName } from './service-env';

const K8S_DIR = path.join(REPO_ROOT, 'infra/k8s');
const RUN_SERVICE_STOP_TIMEOUT_MS = 30_000;

interface Manifest {
  file: string;
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    configMapKeyRef?: { name: string; key: string };
    secretKeyRef?: { name: string; key: string; optional?: boolean };
  };
}

interface Probe {
  httpGet: { path: string; port: string | number };
}

interface Container {
  name: string;
  image: string;
  ports: { name?: string; containerPort: number }[];
  env: EnvVar[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  resources: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: {
    readOnlyRootFilesystem?: boolean;
    allowPrivilegeEscalation?: boolean;
    capabilities?: { drop?: string[] };
  };
}

interface PodSpec {
  containers: Container[];
  enableServiceLinks?: boolean;
  terminationGracePeriodSeconds?: number;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
}

interface DeploymentSpec {
  replicas?: number;
  selector: { matchLabels: Record<string, string> };
  template: { metadata: { labels: Record<string, string> }; spec: PodSpec };
}

const kustomization = parse(readFileSync(path.join(K8S_DIR, 'kustomization.yaml'), 'utf8')) as {
  resources: string[];
  images: { name: string; newTag: string }[];
};

function loadManifests(): Manifest[] {
  return kustomization.resources.flatMap((file) =>
    parseAllDocuments(readFileSync(path.join(K8S_DIR, file), 'utf8')).map((doc) => {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
      return { ...(doc.toJS() as Omit<Manifest, 'file'>), file };
    }),
  );
}

const manifests = loadManifests();
const stages = loadDockerfile();
let models: ModelTypes;

beforeAll(() => {
  models = loadModelTypes();
});

function ofKind(kind: string): Manifest[] {
  return manifests.filter((m) => m.kind === kind);
}

function deployment(name: ServiceName): { manifest: Manifest; spec: DeploymentSpec; container: Container } {
  const manifest = ofKind('Deployment').find((m) => m.metadata.name === name);
  if (!manifest) throw new Error(`no Deployment ${name}`);
  const spec = manifest.spec as unknown as DeploymentSpec;
  expect(spec.template.spec.containers).toHaveLength(1);
  return { manifest, spec, container: spec.template.spec.containers[0]! };
}

function matches(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

function stripManifest({ file: _file, ...document }: Manifest): Record<string, unknown> {
  return document;
}

describe('infra/k8s against the Kubernetes models', () => {
  it('lists every manifest of the folder in the kustomization, and only those', () => {
    const files = readdirSync(K8S_DIR).filter((f) => /\.ya?ml$/.test(f) && f !== 'kustomization.yaml');
    expect([...kustomization.resources].sort()).toEqual(files.sort());
  });

  it('holds the namespace, the config, four Deployments and their Services, the worker PDB and HPA', () => {
    const summary = manifests.map((m) => `${m.kind}/${m.metadata.name}`).sort();
    expect(summary).toEqual(
      [
        'ConfigMap/servping-config',
        'Namespace/servping',
        'HorizontalPodAutoscaler/worker',
        'PodDisruptionBudget/worker',
        ...SERVICES.flatMap((s) => [`Deployment/${s}`, `Service/${s}`]),
      ].sort(),
    );
  });

  it.each(manifests.map((m) => [`${m.file} ${m.kind}/${m.metadata.name}`, m] as const))(
    '%s uses the stable API version and only known fields of the right types',
    (_label, manifest) => {
      expect(manifest.apiVersion).toBe(STABLE_API_VERSIONS[manifest.kind]);
      expect(
        validateAgainstModel(stripManifest(manifest), modelName(manifest.apiVersion, manifest.kind), models),
      ).toEqual([]);
    },
  );

  it('rejects unknown fields and wrong primitive types, naming the path', () => {
    const broken = structuredClone(stripManifest(deployment('worker').manifest)) as unknown as {
      spec: DeploymentSpec & Record<string, unknown>;
    };
    const container = broken.spec.template.spec.containers[0] as unknown as Record<string, unknown>;
    container.containerPorts = container.ports;
    (container.ports as Record<string, unknown>[])[0]!.containerPort = '9101';
    broken.spec.replicas = 2.5;
    broken.spec.template.spec.enableServiceLinks = 'false' as unknown as boolean;
    expect(validateAgainstModel(broken, 'V1Deployment', models).sort()).toEqual([
      '/spec/replicas: expected an integer, got 2.5',
      '/spec/template/spec/containers/0/containerPorts: unknown field of V1Container',
      '/spec/template/spec/containers/0/ports/0/containerPort: expected a number, got string',
      '/spec/template/spec/enableServiceLinks: expected a boolean, got string',
    ]);
  });

  it('commits no Secret: values are created by the operator, manifests only reference them', () => {
    expect(ofKind('Secret')).toEqual([]);
  });
});

describe('infra/k8s wiring', () => {
  it.each(SERVICES)('%s: the Deployment selects its own pods and runs its Dockerfile target', (name) => {
    const { spec, container } = deployment(name);
    expect(matches(spec.selector.matchLabels, spec.template.metadata.labels)).toBe(true);
    expect(spec.template.metadata.labels['app.kubernetes.io/component']).toBe(name);
    const others = ofKind('Deployment').filter((m) => m.metadata.name !== name);
    for (const other of others) {
      const labels = (other.spec as unknown as DeploymentSpec).template.metadata.labels;
      expect(matches(spec.selector.matchLabels, labels)).toBe(false);
    }
    const [repository, tag] = container.image.split(':');
    expect(repository).toBe(`servping/${name}`);
    expect(stages.map((s) => s.name)).toContain(name);
    expect(kustomization.images).toContainEqual({ name: repository, newTag: tag });
  });

  it.each(SERVICES)('%s: probes hit /healthz and /readyz on the port the process listens on', (name) => {
    const { container } = deployment(name);
    const portValue = container.env.find((e) => e.name === PORT_VARIABLE[name])?.value;
    expect(resolveTarget(stages, name).expose).toEqual([portValue]);
    const resolvePort = (port: string | number) =>
      typeof port === 'number' ? port : container.ports.find((p) => p.name === port)?.containerPort;
    expect(container.ports.map((p) => p.containerPort)).toEqual([Number(portValue)]);
    expect(container.livenessProbe?.httpGet.path).toBe('/healthz');
    expect(resolvePort(container.livenessProbe!.httpGet.port)).toBe(Number(portValue));
    expect(container.readinessProbe?.httpGet.path).toBe('/readyz');
    expect(resolvePort(container.readinessProbe!.httpGet.port)).toBe(Number(portValue));
    if (container.startupProbe) {
      expect(container.startupProbe.httpGet.path).toBe('/healthz');
      expect(resolvePort(container.startupProbe.httpGet.port)).toBe(Number(portValue));
    }
  });

  it.each(SERVICES)('%s: requests and limits CPU and memory, runs non-root on a read-only root', (name) => {
    const { spec, container } = deployment(name);
    for (const bound of [container.resources.requests, container.resources.limits]) {
      expect(Object.keys(bound ?? {}).sort()).toEqual(['cpu', 'memory']);
    }
    expect(spec.template.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    expect(resolveTarget(stages, name).user).toBe('1000:1000');
    expect(container.securityContext).toEqual({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
  });

  it.each(SERVICES)(
    '%s: sets every variable it needs, none it does not read, from existing config',
    (name) => {
      const { spec, container } = deployment(name);
      // Service links would add COLLECTOR_PORT=tcp://… style variables that shadow ours.
      expect(spec.template.spec.enableServiceLinks).toBe(false);
      const names = container.env.map((e) => e.name);
      expect(names).toEqual(expect.arrayContaining(variablesToSet(name)));
      const known = serviceVariables(name).map((v) => v.variable);
      expect(names.filter((n) => !known.includes(n))).toEqual([]);
      const config = ofKind('ConfigMap')[0]!.data!;
      for (const { valueFrom } of container.env) {
        if (valueFrom?.configMapKeyRef) {
          expect(valueFrom.configMapKeyRef.name).toBe('servping-config');
          expect(Object.keys(config)).toContain(valueFrom.configMapKeyRef.key);
        }
        if (valueFrom?.secretKeyRef) expect(valueFrom.secretKeyRef.name).toBe('servping-secrets');
      }
    },
  );

  it.each(SERVICES)('%s: the grace period outlasts the process stop deadline', (name) => {
    const { spec } = deployment(name);
    const deadline =
      serviceVariables(name).find((v) => v.variable.endsWith('_STOP_TIMEOUT_MS'))?.default ??
      RUN_SERVICE_STOP_TIMEOUT_MS;
    expect(spec.template.spec.terminationGracePeriodSeconds! * 1000).toBeGreaterThan(Number(deadline));
  });

  it('uses every ConfigMap key somewhere', () => {
    const used = SERVICES.flatMap((s) =>
      deployment(s).container.env.map((e) => e.valueFrom?.configMapKeyRef?.key),
    );
    expect(Object.keys(ofKind('ConfigMap')[0]!.data!).filter((k) => !used.includes(k))).toEqual([]);
    expect(ofKind('ConfigMap')[0]!.data!.SERVPING_QUEUE_PREFIX).toBe('{servping}');
  });

  it.each(ofKind('Service').map((s) => [s.metadata.name, s] as const))(
    'Service %s selects exactly one Deployment and targets a port it names',
    (_name, service) => {
      const spec = service.spec as {
        selector: Record<string, string>;
        ports: { port: number; targetPort: string }[];
      };
      const selected = ofKind('Deployment').filter((d) =>
        matches(spec.selector, (d.spec as unknown as DeploymentSpec).template.metadata.labels),
      );
      expect(selected.map((d) => d.metadata.name)).toEqual([service.metadata.name]);
      const container = deployment(service.metadata.name as ServiceName).container;
      for (const port of spec.ports) {
        const target = container.ports.find((p) => p.name === port.targetPort);
        expect(target?.containerPort).toBe(port.port);
      }
    },
  );

  it('lets the HPA own the worker count and scale it on waiting metric and shard jobs', () => {
    const { spec: worker } = deployment('worker');
    expect(worker.replicas).toBeUndefined();
    const hpa = ofKind('HorizontalPodAutoscaler')[0]!.spec as {
      scaleTargetRef: { apiVersion: string; kind: string; name: string };
      minReplicas: number;
      maxReplicas: number;
      metrics: {
        type: string;
        external: { metric: { name: string; selector: { matchLabels: Record<string, string> } } };
      }[];
    };
    expect(hpa.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'worker' });
    expect(hpa.minReplicas).toBeGreaterThanOrEqual(2);
    expect(hpa.maxReplicas).toBeGreaterThan(hpa.minReplicas);
    const selectors = hpa.metrics.map((m) => m.external.metric.selector.matchLabels);
    expect(selectors).toEqual([
      { queue: 'metrics', state: 'waiting' },
      { queue: 'shards', state: 'waiting' },
    ]);
    for (const { queue } of selectors) expect(QUEUE_NAMES).toContain(queue);
    // The series the HPA reads is the gauge the collector exports at /metrics.
    const collectorMetrics = readFileSync(
      path.join(REPO_ROOT, 'services/collector/src/observability/collector-metrics.ts'),
      'utf8',
    );
    for (const metric of hpa.metrics)
      expect(collectorMetrics).toContain(`name: '${metric.external.metric.name}'`);
  });

  it('keeps all but one worker up through voluntary disruptions', () => {
    const pdb = ofKind('PodDisruptionBudget')[0]!.spec as {
      maxUnavailable: number;
      selector: { matchLabels: Record<string, string> };
    };
    expect(pdb.maxUnavailable).toBe(1);
    const selected = ofKind('Deployment').filter((d) =>
      matches(pdb.selector.matchLabels, (d.spec as unknown as DeploymentSpec).template.metadata.labels),
    );
    expect(selected.map((d) => d.metadata.name)).toEqual(['worker']);
  });

  it('gives the worker at least as long to drain as docker-compose does', () => {
    const compose = parse(readFileSync(path.join(REPO_ROOT, 'docker-compose.yml'), 'utf8'), {
      merge: true,
    }) as {
      services: Record<string, { stop_grace_period: string }>;
    };
    const grace = deployment('worker').spec.template.spec.terminationGracePeriodSeconds!;
    expect(grace * 1000).toBeGreaterThanOrEqual(durationMs(compose.services.worker!.stop_grace_period));
  });
});
