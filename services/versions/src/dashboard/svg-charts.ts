import { escapeHtml } from './escape-html';

/** One labelled value of a chart. */
export interface Datum {
  label: string;
  value: number;
}

const WIDTH = 640;
const HEIGHT = 240;
const PAD = { top: 16, right: 16, bottom: 48, left: 56 };

/** What every chart is drawn from: its element id, title, data and the unit of its values. */
interface ChartOptions {
  id: string;
  title: string;
  data: readonly Datum[];
  unit?: string;
}

/**
 * A line chart as an inline SVG string: one `<circle class="point">` per datum with its label and
 * value in data attributes (what the browser test counts), a polyline through them, and a y axis
 * from 0 to the maximum.
 */
export function lineChart(options: ChartOptions): string {
  const { data } = options;
  const max = niceMax(Math.max(0, ...data.map((d) => d.value)));
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const x = (i: number) => PAD.left + (data.length > 1 ? (i / (data.length - 1)) * plotW : plotW / 2);
  const y = (v: number) => PAD.top + plotH - (max > 0 ? (v / max) * plotH : 0);
  const coords = data.map((d, i) => `${fmt(x(i))},${fmt(y(d.value))}`).join(' ');
  const points = data
    .map(
      (d, i) =>
        `<circle class="point" cx="${fmt(x(i))}" cy="${fmt(y(d.value))}" r="3.5" data-label="${escapeHtml(d.label)}" data-value="${d.value}"><title>${escapeHtml(d.label)}: ${fmt(d.value)}${escapeHtml(options.unit ?? '')}</title></circle>`,
    )
    .join('');
  const every = Math.max(1, Math.ceil(data.length / 8));
  const xLabels = data
    .map((d, i) =>
      i % every === 0
        ? `<text class="x-label" x="${fmt(x(i))}" y="${HEIGHT - PAD.bottom + 16}" text-anchor="middle">${escapeHtml(d.label)}</text>`
        : '',
    )
    .join('');
  return frame(
    options.id,
    options.title,
    data.length,
    `${axes(max, options.unit)}${xLabels}
    <polyline class="line" fill="none" stroke="#1f6feb" stroke-width="2" points="${coords}"/>${points}`,
  );
}

/** A horizontal bar chart: one `<rect class="bar">` per datum, longest bar = largest value. */
export function barChart(options: ChartOptions): string {
  const { data } = options;
  const rowH = 22;
  const labelW = 240;
  const height = Math.max(60, PAD.top + data.length * rowH + 8);
  const max = Math.max(0, ...data.map((d) => d.value));
  const barMaxW = WIDTH - labelW - 80;
  const bars = data
    .map((d, i) => {
      const top = PAD.top + i * rowH;
      const w = max > 0 ? Math.max(1, (d.value / max) * barMaxW) : 1;
      return `<text class="bar-label" x="${labelW - 6}" y="${top + 15}" text-anchor="end">${escapeHtml(truncate(d.label, 38))}</text>
      <rect class="bar" x="${labelW}" y="${top + 3}" width="${fmt(w)}" height="${rowH - 6}" fill="#2da44e" data-label="${escapeHtml(d.label)}" data-value="${d.value}"><title>${escapeHtml(d.label)}: ${fmt(d.value)}${escapeHtml(options.unit ?? '')}</title></rect>
      <text class="bar-value" x="${fmt(labelW + w + 6)}" y="${top + 15}">${fmt(d.value)}${escapeHtml(options.unit ?? '')}</text>`;
    })
    .join('');
  return frame(options.id, options.title, data.length, bars, height);
}

function frame(id: string, title: string, count: number, body: string, height = HEIGHT): string {
  const empty =
    count === 0
      ? `<text class="empty" x="${WIDTH / 2}" y="${height / 2}" text-anchor="middle">no data yet</text>`
      : '';
  return `<figure class="chart"><figcaption>${escapeHtml(title)}</figcaption>
  <svg class="chart-svg" id="${escapeHtml(id)}" data-points="${count}" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="${escapeHtml(title)}" xmlns="http://www.w3.org/2000/svg">${body}${empty}</svg></figure>`;
}

function axes(max: number, unit = ''): string {
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const ticks = [0, 0.25, 0.5, 0.75, 1]
    .map((f) => {
      const y = PAD.top + plotH - f * plotH;
      return `<line class="grid" x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${fmt(y)}" y2="${fmt(y)}" stroke="#ddd"/>
      <text class="y-label" x="${PAD.left - 6}" y="${fmt(y + 4)}" text-anchor="end">${fmt(max * f)}${escapeHtml(unit)}</text>`;
    })
    .join('');
  return ticks;
}

/** The smallest of 1, 2, 5 × 10^k at or above `value`, so axis ticks are round numbers. */
export function niceMax(value: number): number {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/\.?0+$/, '');
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
