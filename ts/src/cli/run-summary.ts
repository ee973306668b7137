/** The run's stdout: a compact JSON summary (--json) or a text table with the insights. */
import type { RunReport } from '../report/types.js';

export interface RunSummary {
  out: string;
  best_model: string;
  bayes_auc: number | null;
  models: { name: string; cv_auc: number | undefined; test_auc: number; test_log_loss: number; accuracy: number; f1: number; search_seconds: number; search: string; fits: number | undefined; best_params: Record<string, unknown> }[];
  insights: string[];
  timings: Record<string, number>;
  dataset: RunReport['dataset'];
}

export function summarizeRun(r: RunReport, out: string): RunSummary {
  return {
    out,
    best_model: r.best_model,
    bayes_auc: r.bayes_auc,
    models: r.models.map((m) => ({
      name: m.name, cv_auc: m.cv.roc_auc?.mean, test_auc: m.test.roc_auc, test_log_loss: m.test.log_loss, accuracy: m.test.accuracy, f1: m.test.f1,
      search_seconds: m.search_seconds, search: m.search?.kind ?? 'grid', fits: m.search?.fits, best_params: m.best_params,
    })),
    insights: r.insights,
    timings: r.timings,
    dataset: r.dataset,
  };
}

export function renderRun(s: RunSummary & { demo?: unknown }): string {
  const f = (v: number | undefined, d = 4) => (v === undefined ? '-' : v.toFixed(d));
  const rows = s.models.map((m) => `${m.name.padEnd(22)} ${f(m.cv_auc).padStart(7)} ${f(m.test_auc).padStart(8)} ${f(m.test_log_loss).padStart(8)} ${f(m.accuracy).padStart(8)} ${f(m.f1).padStart(7)} ${f(m.search_seconds, 1).padStart(8)} ${m.search.padStart(7)} ${String(m.fits ?? '-').padStart(5)}`);
  return [
    `${s.dataset.source}: ${s.dataset.users} users, ${s.dataset.movies} movies, ${s.dataset.interactions} interactions (like rate ${f(s.dataset.like_rate, 3)})`,
    `model                   CV AUC test AUC  logloss accuracy      F1 search s  search  fits`,
    ...rows,
    s.bayes_auc === null ? '' : `${'Bayes-optimal (true p)'.padEnd(22)} ${''.padStart(7)} ${f(s.bayes_auc).padStart(8)}`,
    `best: ${s.best_model}`,
    '',
    ...s.insights.map((i) => `- ${i}`),
    '',
    `artifacts: ${s.out} (report.html, report.json, models/, manifest.json); total ${f(s.timings.total, 1)} s`,
  ].filter((l, i, a) => l !== '' || a[i - 1] !== '').join('\n');
}
