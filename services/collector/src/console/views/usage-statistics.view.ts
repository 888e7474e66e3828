import { DATA_CATEGORIES } from '@servping/shared';
import type { InstanceSettings, RunDuration } from '@servping/runtime';
import type { ConsolePayload } from '../console-payload';
import type { NextRun } from '../next-run';
import type { RunView } from '../../runs/run-view';
import { barList, columnChart } from './charts';
import { html, type SafeHtml } from './html';
import { notice, page, postForm, progressBar, shortValue, when, type PageContext } from './layout';

export interface UsageStatisticsData {
  settings: InstanceSettings;
  lastSent: ConsolePayload | undefined;
  /** The newest payload no run sent (preview or collect-only): what Download gives. */
  lastUnsent: ConsolePayload | undefined;
  /** Null when the weekly schedule is turned off (`SERVPING_SCHEDULE_ENABLED=false`). */
  next: NextRun | null;
  active: RunView | undefined;
  durations: RunDuration[];
  /** The metrics of the newest stored payload, slowest first. */
  slowest: { name: string; seconds: number; failed: boolean }[];
  notice: unknown;
}

/** GitLab's guidance on each category (doc: "Service Ping data categories"). */
const CATEGORY_HINTS: Record<(typeof DATA_CATEGORIES)[number], string> = {
  standard: 'instance identification and version facts',
  subscription: 'license and seat facts',
  operational: 'usage counts that show how features are used',
  optional: 'everything else, e.g. activity of individual features',
};

function settingsForm(ctx: PageContext, s: InstanceSettings): SafeHtml {
  const radio = (value: string, title: string, hint: string) =>
    html`<label class="choice"
      ><input type="radio" name="send_mode" value="${value}" ${s.sendMode === value ? html` checked` : ''} />
      <span><strong>${title}</strong> <span class="hint">${hint}</span></span></label
    >`;
  return postForm(
    ctx,
    '/settings',
    html`<label class="choice"
        ><input type="checkbox" name="enabled" value="on" ${s.enabled ? html` checked` : ''} />
        <span
          ><strong>Enable Service Ping</strong>
          <span class="hint">collect usage data on schedule and on demand</span></span
        ></label
      >
      <fieldset>
        <legend>Send mode</legend>
        ${radio('send', 'Send', 'post each payload to Versions (the default)')}
        ${radio('collect_only', 'Collect only', 'store payloads to download and upload by hand; nothing is ever sent (offline instances)')}
      </fieldset>
      <fieldset>
        <legend>Permitted data categories</legend>
        ${DATA_CATEGORIES.map(
          (c) =>
            html`<label class="choice"
              ><input
                type="checkbox"
                name="categories"
                value="${c}"
                ${s.permittedDataCategories.includes(c) ? html` checked` : ''}
              />
              <span><strong>${c}</strong> <span class="hint">${CATEGORY_HINTS[c]}</span></span></label
            >`,
        )}
      </fieldset>
      <button type="submit">Save changes</button>`,
    'settings',
  );
}

function facts(s: InstanceSettings): SafeHtml {
  const rows: [string, string][] = [
    ['uuid', s.uuid],
    ['hostname', s.hostname],
    ['version', s.version],
    ['edition', s.edition],
    ['installation type', s.installationType],
    ['Versions URL', s.versionsUrl],
  ];
  return html`<dl class="facts">
    ${rows.map(
      ([k, v]) =>
        html`<dt>${k}</dt>
          <dd><code>${v}</code></dd>`,
    )}
  </dl>`;
}

/**
 * GitLab's DevOps score answer (`conv_index`) has, per metric, `leader_<m>`, `instance_<m>` and
 * `percentage_<m>`: one row per metric reads like GitLab's DevOps Reports page.
 */
function devopsScore(score: Record<string, unknown>): SafeHtml {
  const metrics = new Map<string, Record<string, unknown>>();
  for (const [key, value] of Object.entries(score)) {
    const match = /^(leader|instance|percentage)_(.+)$/.exec(key);
    const name = match ? (match[2] as string) : key;
    metrics.set(name, { ...metrics.get(name), [match ? (match[1] as string) : 'value']: value });
  }
  if (metrics.size === 0) return html`<p>Versions returned no DevOps score with it.</p>`;
  const cell = (v: unknown) => html`<td class="num">${shortValue(v)}</td>`;
  const rows = [...metrics].sort(([a], [b]) => (a < b ? -1 : 1));
  return html`<details class="devops">
    <summary>DevOps score returned by Versions (${rows.length} metrics)</summary>
    <table class="compact">
      <thead>
        <tr>
          <th scope="col">metric</th>
          <th scope="col">instance</th>
          <th scope="col">leader</th>
          <th scope="col">%</th>
        </tr>
      </thead>
      <tbody>
        ${rows.map(
          ([name, v]) =>
            html`<tr>
              <th scope="row">${name}</th>
              ${cell(v.instance ?? v.value)}${cell(v.leader)}${cell(v.percentage)}
            </tr>`,
        )}
      </tbody>
    </table>
  </details>`;
}

function lastSent(sent: ConsolePayload | undefined): SafeHtml {
  if (!sent) return html`<p>No payload has reached Versions yet.</p>`;
  return html`<dl class="facts">
      <dt>sent</dt>
      <dd>${when(sent.sentAt)}</dd>
      <dt>recorded at</dt>
      <dd>${when(sent.recordedAt)}</dd>
      <dt>usage_data_id</dt>
      <dd><code id="usage-data-id">${sent.usageDataId}</code></dd>
    </dl>
    ${devopsScore(sent.devopsScore ?? {})}`;
}

function schedule(data: UsageStatisticsData): SafeHtml {
  if (!data.settings.enabled) return html`<p>None: Service Ping is disabled.</p>`;
  if (!data.next)
    return html`<p>
      None: the weekly schedule is turned off (<code>SERVPING_SCHEDULE_ENABLED=false</code>).
    </p>`;
  const mode = data.settings.sendMode === 'send' ? 'and sent' : 'and stored only (collect only)';
  return html`<p>
    Next weekly run
    <strong><time datetime="${data.next.earliest.toISOString()}">${when(data.next.earliest)}</time></strong>
    to ${when(data.next.latest)} (cron <code>${data.next.cron}</code> UTC from the uuid, plus a random splay),
    collected ${mode}.
  </p>`;
}

function actions(ctx: PageContext, data: UsageStatisticsData): SafeHtml {
  const download = data.lastUnsent
    ? html`<a class="button" href="${ctx.base}/payloads/${data.lastUnsent.id}/download" download
          >Download payload</a
        >
        <span class="hint">recorded ${when(data.lastUnsent.recordedAt)}, not sent</span>`
    : html`<span class="hint"
        >No unsent payload to download yet: run in collect-only mode or build a preview.</span
      >`;
  const active = data.active
    ? html`<p>
        Running now:
        <a href="${ctx.base}/runs/${data.active.id}">${data.active.id}</a>
        ${progressBar(data.active.id, data.active.metrics.done, data.active.metrics.total)}
      </p>`
    : '';
  return html`<div class="actions">
      ${postForm(ctx, '/runs', html`<button type="submit">Run now</button>`, 'inline')}
      <a class="button secondary" href="${ctx.base}/preview">Preview payload</a> ${download}
    </div>
    ${active}`;
}

export function usageStatisticsPage(ctx: PageContext, data: UsageStatisticsData): string {
  const durations = data.durations.map((d) => ({
    label: d.id,
    value: d.durationS,
    // MM-DD HH:MM (UTC): short enough for ten columns.
    tick: d.createdAt.toISOString().slice(5, 16).replace('T', ' '),
    tone: d.state === 'failed' ? ('bad' as const) : ('ok' as const),
  }));
  const slowest = data.slowest
    .slice(0, 10)
    .map((m) => ({ label: m.name, value: m.seconds, tone: m.failed ? ('bad' as const) : ('ok' as const) }));
  return page(
    ctx,
    'Usage statistics',
    '',
    html`<h1>Usage statistics</h1>
      ${notice(data.notice)}
      <p class="lead">
        Service Ping reports how this instance is used: aggregate counts, never content. Mode:
        <strong id="send-mode">${data.settings.sendMode === 'send' ? 'send' : 'collect only'}</strong>,
        Service Ping <strong>${data.settings.enabled ? 'enabled' : 'disabled'}</strong>.
      </p>
      ${actions(ctx, data)}
      <div class="columns">
        <section aria-labelledby="settings-h">
          <h2 id="settings-h">Settings</h2>
          ${settingsForm(ctx, data.settings)}
        </section>
        <section aria-labelledby="instance-h">
          <h2 id="instance-h">Instance</h2>
          ${facts(data.settings)}
          <h2>Last payload sent</h2>
          ${lastSent(data.lastSent)}
          <h2>Next scheduled run</h2>
          ${schedule(data)}
        </section>
      </div>
      <section aria-labelledby="charts-h">
        <h2 id="charts-h">Charts</h2>
        <div class="columns">
          ${columnChart('run-durations', 'Run duration, last runs', durations, 's')}
          ${barList('slowest-metrics', 'Ten slowest metrics of the newest payload', slowest, 's')}
        </div>
      </section>`,
  );
}
