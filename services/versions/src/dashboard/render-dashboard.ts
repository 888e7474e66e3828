import { escapeHtml } from './escape-html';
import { barChart, lineChart } from './svg-charts';

export interface DashboardData {
  generatedAt: Date;
  metricKeyPath: string;
  reportingByWeek: Array<{ week: string; instances: number }>;
  versions: Array<{ version: string; instances: number }>;
  adoptionByWeek: Array<{ week: string; reporting: number; adopting: number }>;
  sumByWeek: Array<{ week: string; total: number }>;
  failures: Array<{ version: string; key_path: string; failure_rate: number }>;
  slowest: Array<{ version: string; key_path: string; p95_s: number }>;
}

/** The whole dashboard page: static HTML with inline SVG, no script (the CSP forbids any). */
export function renderDashboard(data: DashboardData): string {
  const adoption = data.adoptionByWeek.map((w) => ({
    label: w.week,
    value: w.reporting > 0 ? Math.round((w.adopting / w.reporting) * 1000) / 10 : 0,
  }));
  const charts = [
    lineChart({
      id: 'reporting-instances',
      title: 'Reporting instances per week',
      data: data.reportingByWeek.map((w) => ({ label: w.week, value: w.instances })),
    }),
    barChart({
      id: 'version-distribution',
      title: 'Versions of instances reporting in the last 30 days',
      data: data.versions.map((v) => ({ label: v.version, value: v.instances })),
    }),
    lineChart({
      id: 'metric-adoption',
      title: `Adoption of ${data.metricKeyPath}: share of reporting instances with a value > 0`,
      data: adoption,
      unit: '%',
    }),
    lineChart({
      id: 'metric-sum',
      title: `${data.metricKeyPath} summed over reporting instances (last ping of each week)`,
      data: data.sumByWeek.map((w) => ({ label: w.week, value: w.total })),
    }),
    barChart({
      id: 'failing-metrics',
      title: 'Metrics failing most (value < 0), by version, last 30 days',
      data: data.failures.map((f) => ({
        label: `${f.key_path} @ ${f.version}`,
        value: Math.round(f.failure_rate * 1000) / 10,
      })),
      unit: '%',
    }),
    barChart({
      id: 'slowest-metrics',
      title: 'Slowest metrics (p95 time_elapsed), by version, last 30 days',
      data: data.slowest.map((s) => ({
        label: `${s.key_path} @ ${s.version}`,
        value: Math.round(s.p95_s * 1000) / 1000,
      })),
      unit: ' s',
    }),
  ];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Versions dashboard</title>
<link rel="icon" href="data:,">
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #1f2328; }
  main { display: grid; grid-template-columns: repeat(auto-fill, minmax(660px, 1fr)); gap: 24px; }
  figure.chart { margin: 0; padding: 12px; border: 1px solid #d0d7de; border-radius: 6px; }
  figcaption { font-weight: 600; margin-bottom: 8px; }
  svg text { font-size: 11px; fill: #57606a; }
  form { margin: 0 0 16px; }
</style>
</head>
<body>
<h1>Versions</h1>
<form method="get" action="/dashboard">
  <label>Metric key path <input name="metric" value="${escapeHtml(data.metricKeyPath)}" size="50"></label>
  <button type="submit">Show adoption and values</button>
</form>
<main>
${charts.join('\n')}
</main>
<p><small>Generated ${escapeHtml(data.generatedAt.toISOString())}</small></p>
</body>
</html>`;
}

/** The page shown instead of the dashboard when the request is not authenticated. */
export function renderLogin(message: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Versions dashboard</title>
<link rel="icon" href="data:,"></head><body><h1>Versions dashboard</h1><p>${escapeHtml(message)}</p>
<form method="post" action="/dashboard"><label>Read token <input name="token" type="password" autocomplete="current-password"></label>
<button type="submit">Sign in</button></form></body></html>`;
}
