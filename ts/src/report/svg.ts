/** Minimal inline-SVG charts for the self-contained HTML report (no scripts, no external assets). */

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);
export { esc };

export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e'];

export interface Series {
  name: string;
  points: [number, number][];
  dashed?: boolean;
}

/** Line chart on [0,1] x [0,1] axes (ROC, PR, calibration). */
export function lineChart(title: string, xLabel: string, yLabel: string, series: Series[], w = 360, h = 300): string {
  const m = { l: 44, r: 10, t: 26, b: 40 };
  const X = (v: number) => m.l + v * (w - m.l - m.r);
  const Y = (v: number) => h - m.b - v * (h - m.t - m.b);
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  const grid = ticks
    .map((t) => `<line x1="${X(t)}" y1="${Y(0)}" x2="${X(t)}" y2="${Y(1)}" stroke="#eee"/><line x1="${X(0)}" y1="${Y(t)}" x2="${X(1)}" y2="${Y(t)}" stroke="#eee"/>` +
      `<text x="${X(t)}" y="${h - m.b + 14}" font-size="10" text-anchor="middle">${t}</text><text x="${m.l - 6}" y="${Y(t) + 3}" font-size="10" text-anchor="end">${t}</text>`)
    .join('');
  const lines = series
    .map((s, i) => {
      const d = s.points.map(([x, y], k) => `${k ? 'L' : 'M'}${X(x).toFixed(1)},${Y(y).toFixed(1)}`).join('');
      const color = s.dashed ? '#999' : PALETTE[i % PALETTE.length];
      return `<path d="${d}" fill="none" stroke="${color}" stroke-width="1.8"${s.dashed ? ' stroke-dasharray="4 3"' : ''}/>`;
    })
    .join('');
  const legend = series
    .map((s, i) => `<text x="${m.l + 8}" y="${m.t + 14 + i * 13}" font-size="10" fill="${s.dashed ? '#999' : PALETTE[i % PALETTE.length]}">${esc(s.name)}</text>`)
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" role="img" aria-label="${esc(title)}">` +
    `<text x="${w / 2}" y="15" font-size="12" font-weight="bold" text-anchor="middle">${esc(title)}</text>${grid}${lines}${legend}` +
    `<text x="${(X(0) + X(1)) / 2}" y="${h - 6}" font-size="11" text-anchor="middle">${esc(xLabel)}</text>` +
    `<text x="12" y="${(Y(0) + Y(1)) / 2}" font-size="11" text-anchor="middle" transform="rotate(-90 12 ${(Y(0) + Y(1)) / 2})">${esc(yLabel)}</text></svg>`;
}

/** Horizontal bar chart (feature importance). */
export function barChart(title: string, bars: { name: string; value: number }[], w = 460): string {
  const rowH = 16;
  const left = 190;
  const h = 30 + bars.length * rowH;
  const max = Math.max(1e-12, ...bars.map((b) => Math.abs(b.value)));
  const rows = bars
    .map((b, i) => {
      const y = 24 + i * rowH;
      const len = (Math.abs(b.value) / max) * (w - left - 60);
      return `<text x="${left - 6}" y="${y + 11}" font-size="10" text-anchor="end">${esc(b.name)}</text>` +
        `<rect x="${left}" y="${y + 2}" width="${len.toFixed(1)}" height="${rowH - 5}" fill="${b.value >= 0 ? PALETTE[0] : PALETTE[1]}"/>` +
        `<text x="${left + len + 4}" y="${y + 11}" font-size="10">${b.value.toFixed(4)}</text>`;
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" role="img" aria-label="${esc(title)}"><text x="${w / 2}" y="14" font-size="12" font-weight="bold" text-anchor="middle">${esc(title)}</text>${rows}</svg>`;
}

/** 2x2 confusion matrix as a shaded grid. */
export function confusionChart(title: string, c: { tn: number; fp: number; fn: number; tp: number }): string {
  const cells: [string, number, number, number][] = [
    ['TN', c.tn, 0, 0],
    ['FP', c.fp, 1, 0],
    ['FN', c.fn, 0, 1],
    ['TP', c.tp, 1, 1],
  ];
  const max = Math.max(1, c.tn, c.fp, c.fn, c.tp);
  const body = cells
    .map(([label, v, col, row]) => {
      const shade = Math.round(245 - 170 * (v / max));
      return `<rect x="${70 + col * 90}" y="${34 + row * 60}" width="88" height="58" fill="rgb(${shade},${shade},255)"/>` +
        `<text x="${114 + col * 90}" y="${60 + row * 60}" font-size="12" text-anchor="middle">${label}</text><text x="${114 + col * 90}" y="${78 + row * 60}" font-size="12" text-anchor="middle">${v}</text>`;
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="280" height="170" role="img" aria-label="${esc(title)}"><text x="140" y="14" font-size="12" font-weight="bold" text-anchor="middle">${esc(title)}</text>` +
    `<text x="114" y="30" font-size="10" text-anchor="middle">pred 0</text><text x="204" y="30" font-size="10" text-anchor="middle">pred 1</text>` +
    `<text x="64" y="66" font-size="10" text-anchor="end">true 0</text><text x="64" y="126" font-size="10" text-anchor="end">true 1</text>${body}</svg>`;
}
