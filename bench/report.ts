/**
 * Turns one bench run's raw results into the printed tables, the goal verdicts, and the README section
 * (between `<!-- bench:begin -->` and `<!-- bench:end -->`, rewritten atomically by the bench).
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { collabGoals, renderCollab } from './collab-report.js';
import { type Failed, failed, type Row, table } from './lib.js';
import type { CollabTable } from './sections/collab.js';
import type { Entry, Family } from './sections/engine.js';
import type { GridEntry } from './sections/grid.js';
import { type PipelineRun, type PipelineSection, pipelineGoals } from './sections/pipeline.js';

export interface ScaleResult {
  scale: string;
  dataset: Record<string, unknown>;
  entries: Entry[];
}

export interface BenchRun {
  date: string;
  machine: string;
  command: string;
  threads: number;
  scales: ScaleResult[];
  grid: GridEntry[] | null;
  pipeline: PipelineSection | null;
  /** Collaborative filtering per dataset and split (absent in runs from before that section). */
  collab?: CollabTable[] | null;
}

const num = (r: unknown, k: string): number => (failed(r) ? NaN : Number((r as Record<string, unknown>)[k] ?? NaN));
const ok = (e: Entry | undefined): Row | undefined => (e && !failed(e.result) ? e.result : undefined);

function find(entries: Entry[], family: Family, contender: string, self: Entry): Entry | undefined {
  return contender === 'self' ? self : entries.find((e) => e.family === family && e.contender === contender);
}

function ratioOf(entries: Entry[], e: Entry): { ratio: number; dAuc: number } {
  if (!e.ratio) return { ratio: NaN, dAuc: NaN };
  const a = ok(find(entries, e.family, e.ratio[0], e));
  const b = ok(find(entries, e.family, e.ratio[1], e));
  return a && b ? { ratio: a.fit_seconds / b.fit_seconds, dAuc: a.test_auc - b.test_auc } : { ratio: NaN, dAuc: NaN };
}

export function engineTable(s: ScaleResult): string {
  const rows = s.entries.map((e) => {
    const r = e.result;
    const { ratio, dAuc } = ratioOf(s.entries, e);
    const why = failed(r) ? (r.skipped ? `skipped: ${r.error}` : `FAILED: ${r.error.split('\n')[0]?.slice(0, 100)}`) : '';
    return [e.family, e.contender, failed(r) ? '' : num(r, 'n_train'), failed(r) ? '' : num(r, 'threads'), num(r, 'fit_seconds'), num(r, 'predict_seconds'), num(r, 'test_auc'), num(r, 'test_logloss'), num(r, 'fit_extra_mb'), ratio, dAuc, why];
  });
  return table(['model', 'contender', 'rows', 'thr', 'fit s', 'predict s', 'AUC', 'log-loss', 'fit +MB', 'ratio', 'ΔAUC', ''], rows);
}

export function gridTable(g: GridEntry[]): string {
  return table(
    ['grid (full mode)', 'contender', 'thr', 'fits', 'seconds', 'fits/s', 'best CV AUC', 'vs 1 thr'],
    g.map((e) => {
      const one = g.find((o) => o.model === e.model && o.contender === e.contender && o.threads === 1);
      return [e.model, e.contender, e.threads, num(e.result, 'fits'), num(e.result, 'seconds'), num(e.result, 'fits_per_second'), num(e.result, 'best_cv_auc'), num(one?.result, 'seconds') / num(e.result, 'seconds')];
    }),
  );
}

export function pipelineTable(p: PipelineSection): string {
  const row = (r: PipelineRun | Failed | undefined) =>
    !r
      ? ['not run', NaN, NaN, '', '']
      : failed(r)
        ? [r.error.slice(0, 60), NaN, NaN, '', '']
        : [r.contender, r.wall_seconds, r.peak_rss_mb ?? NaN, Object.entries(r.test_auc).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(', '), ''];
  const rows = [row(p.ours), ...(p.halving ? [row(p.halving)] : []), row(p.python)];
  const main = table(['whole pipeline (5,000 x 1,000 x 50,000 CSVs)', 'wall s', 'peak MB', 'test AUC', ''], rows);
  const runs = [p.ours, p.halving].filter((r): r is PipelineRun => !!r && !failed(r) && !!r.models);
  const models = runs.flatMap((r) =>
    Object.entries(r.models ?? {}).map(([name, m]) => {
      return [m.search, name, m.search_seconds, m.fits ?? NaN, m.cv_auc ?? NaN, m.test_auc, JSON.stringify(m.best_params).slice(0, 90)];
    }),
  );
  const parts = [main];
  if (models.length) parts.push('', table(['search', 'model', 'seconds', 'fits', 'best CV AUC', 'test AUC', 'best configuration'], models));
  if (p.large) parts.push('', table([`${p.large.interactions.toLocaleString('en')} interactions (${p.large.data})`, 'wall s', 'peak MB', 'test AUC', ''], [row(p.large.run)]));
  return parts.join('\n');
}

/** The goals, judged from the measurements (never asserted in tests). */
export function goals(run: BenchRun): string[] {
  const out: string[] = [];
  const peers: Record<'gbdt' | 'rf', string[]> = { gbdt: ['xgboost', 'lightgbm', 'sklearn-hgb'], rf: ['lightgbm-rf', 'sklearn-rf'] };
  for (const s of run.scales) {
    for (const family of ['gbdt', 'rf'] as const) {
      const measured = s.entries.filter((e) => e.family === family && peers[family].includes(e.contender) && ok(e)).map((e) => ({ e, ...ratioOf(s.entries, e) }));
      if (!measured.length) continue;
      const worst = measured.reduce((a, b) => (b.ratio > a.ratio ? b : a));
      const bestAuc = measured.reduce((a, b) => (b.dAuc < a.dAuc ? b : a));
      const met = worst.ratio <= 1 && bestAuc.dAuc >= -0.002;
      out.push(
        `${s.scale} ${family}: slowest ratio ${worst.ratio.toFixed(2)} (vs ${worst.e.contender}), AUC vs best peer ${bestAuc.dAuc >= 0 ? '+' : ''}${bestAuc.dAuc.toFixed(4)} (${bestAuc.e.contender}): ${met ? 'met' : 'MISSED'}`,
      );
    }
  }
  const wasm = run.scales.flatMap((s) => s.entries.filter((e) => e.contender === 'ours wasm 1t' && ok(e)).map((e) => ({ s: s.scale, f: e.family, ...ratioOf(s.entries, e) })));
  if (wasm.length) {
    const w = wasm.reduce((a, b) => (b.ratio > a.ratio ? b : a));
    out.push(`wasm / native (1 thread): at most ${w.ratio.toFixed(2)}x (${w.s} ${w.f}), goal <= 2x: ${w.ratio <= 2 ? 'met' : 'MISSED'}`);
  }
  if (run.pipeline) out.push(...pipelineGoals(run.pipeline));
  for (const t of run.collab ?? []) out.push(...collabGoals(t));
  return out;
}

export function render(run: BenchRun): string {
  const parts = [`moviepref bench, ${run.date}, ${run.machine}, ${run.threads} threads`, `command: ${run.command}`, ''];
  for (const s of run.scales) {
    const d = s.dataset;
    const bayes = typeof d.bayes_auc === 'number' ? `, Bayes-optimal test AUC ${d.bayes_auc.toFixed(4)}` : '';
    parts.push(`## ${s.scale}: ${d.source} ${Number(d.interactions).toLocaleString('en')} interactions -> ${Number(d.n_train).toLocaleString('en')} train / ${Number(d.n_test).toLocaleString('en')} test rows x ${d.features} features${bayes}`, engineTable(s), '');
  }
  if (run.grid) parts.push('## grid search: configs x 5 folds + best refit, seed-size features', gridTable(run.grid), '');
  if (run.pipeline) parts.push('## whole pipeline vs the Python reference', pipelineTable(run.pipeline), '');
  if (run.collab) parts.push(...renderCollab(run.collab));
  parts.push('## goals', ...goals(run));
  return parts.join('\n');
}

/** Replaces the marked section of a README with the run's tables (temp file + rename: never half-written). */
export function updateReadme(path: string, run: BenchRun): void {
  const text = readFileSync(path, 'utf8');
  const begin = '<!-- bench:begin -->';
  const end = '<!-- bench:end -->';
  const i = text.indexOf(begin);
  const j = text.indexOf(end);
  if (i < 0 || j < i) throw new Error(`${path}: no ${begin} ... ${end} section to regenerate`);
  const body = [
    begin,
    `Regenerated by \`${run.command}\` on ${run.date} (${run.machine}). Ratios are ours / peer fit time (< 1: we are faster; for wasm: wasm / native); ΔAUC is ours minus the peer's test AUC.`,
    '',
    '```',
    render(run),
    '```',
    end,
  ].join('\n');
  writeFileSync(`${path}.tmp`, text.slice(0, i) + body + text.slice(j + end.length));
  renameSync(`${path}.tmp`, path);
}
