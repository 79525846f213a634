import { esc } from './html.js';

/**
 * Charts drawn as inline SVG on the server: no script, no CDN, nothing fetched by the browser. Each point and bar
 * carries a <title> so hovering shows the exact number.
 */

export interface LineSeries {
  label: string;
  color: string;
  /** One value per label; 0..1 when `percent`; null leaves a gap (e.g. a rate on a day without questions). */
  values: (number | null)[];
}

export interface LineChartOptions {
  title: string;
  labels: string[];
  series: LineSeries[];
  percent?: boolean;
  width?: number;
  height?: number;
}

const f = (x: number) => (Math.round(x * 10) / 10).toString();

export function lineChart(o: LineChartOptions): string {
  const width = o.width ?? 760;
  const height = o.height ?? 260;
  const pad = { left: 48, right: 16, top: 28, bottom: 40 };
  const w = width - pad.left - pad.right;
  const h = height - pad.top - pad.bottom;
  const all = o.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const max = o.percent ? 1 : Math.max(1, ...all);
  const n = o.labels.length;
  const x = (i: number) => pad.left + (n <= 1 ? w / 2 : (i * w) / (n - 1));
  const y = (v: number) => pad.top + h - (Math.max(0, v) / max) * h;
  const fmt = (v: number) => (o.percent ? `${Math.round(v * 1000) / 10}%` : String(Math.round(v * 10) / 10));

  const grid = [0, 0.25, 0.5, 0.75, 1]
    .map((t) => {
      const yy = f(y(t * max));
      return `<line x1="${pad.left}" x2="${pad.left + w}" y1="${yy}" y2="${yy}" class="grid"/><text x="${pad.left - 6}" y="${yy}" class="axis" text-anchor="end" dominant-baseline="middle">${esc(fmt(t * max))}</text>`;
    })
    .join('');
  const every = Math.max(1, Math.ceil(n / 10));
  const xLabels = o.labels
    .map((l, i) => (i % every === 0 || i === n - 1 ? `<text x="${f(x(i))}" y="${pad.top + h + 18}" class="axis" text-anchor="middle">${esc(l)}</text>` : ''))
    .join('');
  const lines = o.series
    .map((s) => {
      // One polyline per run of known values, so a gap is drawn as a gap and not as a drop to zero.
      const runs: string[][] = [[]];
      s.values.forEach((v, i) => {
        if (v === null) runs.push([]);
        else runs[runs.length - 1]!.push(`${f(x(i))},${f(y(v))}`);
      });
      const paths = runs
        .filter((r) => r.length)
        .map((r) => `<polyline class="series" fill="none" stroke="${esc(s.color)}" stroke-width="2" points="${r.join(' ')}"/>`)
        .join('');
      const dots = s.values
        .map((v, i) => (v === null ? '' : `<circle cx="${f(x(i))}" cy="${f(y(v))}" r="3" fill="${esc(s.color)}"><title>${esc(`${s.label} — ${o.labels[i]}: ${fmt(v)}`)}</title></circle>`))
        .join('');
      return `<g class="series-group">${paths}${dots}</g>`;
    })
    .join('');
  const legend = o.series
    .map((s, i) => `<rect x="${pad.left + i * 190}" y="6" width="12" height="12" fill="${esc(s.color)}"/><text x="${pad.left + i * 190 + 18}" y="16" class="legend">${esc(s.label)}</text>`)
    .join('');
  return `<svg class="chart chart-line" role="img" aria-label="${esc(o.title)}" viewBox="0 0 ${width} ${height}" width="100%" preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg"><title>${esc(o.title)}</title>${legend}${grid}${xLabels}${n ? lines : `<text x="${width / 2}" y="${height / 2}" text-anchor="middle" class="axis">Chưa có dữ liệu</text>`}</svg>`;
}

export interface BarItem {
  label: string;
  value: number;
  /** Shown after the bar, e.g. "12 / 20". */
  note?: string;
  href?: string;
}

export function barChart(o: { title: string; items: BarItem[]; color?: string; width?: number }): string {
  const width = o.width ?? 760;
  const row = 26;
  const labelW = 300;
  const noteW = 90;
  const barMax = width - labelW - noteW - 16;
  const height = Math.max(1, o.items.length) * row + 8;
  const max = Math.max(1, ...o.items.map((i) => i.value));
  const color = o.color ?? '#c0392b';
  const bars = o.items
    .map((it, i) => {
      const y = 4 + i * row;
      const bw = Math.max(2, (it.value / max) * barMax);
      const label = it.label.length > 42 ? it.label.slice(0, 41) + '…' : it.label;
      const text = `<text x="${labelW - 8}" y="${y + row / 2}" text-anchor="end" dominant-baseline="middle" class="label">${esc(label)}</text>`;
      return `<g class="bar">${it.href ? `<a href="${esc(it.href)}">${text}</a>` : text}<rect x="${labelW}" y="${y + 4}" width="${f(bw)}" height="${row - 8}" fill="${esc(color)}" rx="2"><title>${esc(`${it.label}: ${it.note ?? it.value}`)}</title></rect><text x="${f(labelW + bw + 6)}" y="${y + row / 2}" dominant-baseline="middle" class="axis">${esc(it.note ?? String(it.value))}</text></g>`;
    })
    .join('');
  return `<svg class="chart chart-bar" role="img" aria-label="${esc(o.title)}" viewBox="0 0 ${width} ${height}" width="100%" xmlns="http://www.w3.org/2000/svg"><title>${esc(o.title)}</title>${o.items.length ? bars : `<text x="${width / 2}" y="16" text-anchor="middle" class="axis">Chưa có dữ liệu</text>`}</svg>`;
}
