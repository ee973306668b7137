/** report.html: one self-contained page (inline CSS + SVG, no scripts) rendered from report.json. */
import { kindEntry } from '../pipeline/kinds.js';
import { barChart, confusionChart, esc, lineChart, type Series } from './svg.js';
import type { ModelSummary, RunReport } from './types.js';

const f = (v: number | undefined, d = 4) => (v === undefined || Number.isNaN(v) ? '-' : v.toFixed(d));

/** Which search chose a model's configuration and its fits: "grid", or "halving 8 → 3 (factor 3)"; older reports have none. */
function searchText(m: RunReport['models'][number]): string {
  const s = m.search;
  if (!s) return '-';
  if (s.kind === 'grid') return `grid, ${s.fits} fits`;
  const steps = s.iterations.map((i) => `${i.candidates.length} on ${i.n_resources} rows`).join(' → ');
  return `halving (factor ${s.factor}): ${steps}; ${s.fits} fits`;
}

function comparisonTable(r: RunReport): string {
  const cols = ['roc_auc', 'log_loss', 'accuracy', 'precision', 'recall', 'f1', 'fpr', 'fnr', 'brier', 'ece'] as const;
  const head = `<tr><th>model</th><th>CV AUC (mean ± std)</th>${cols.map((c) => `<th>test ${c}</th>`).join('')}<th>configs</th><th>search</th><th>search rows</th><th>search s</th></tr>`;
  const rows = r.models
    .map((m) => `<tr${m.name === r.best_model ? ' class="best"' : ''}><td>${esc(m.name)}</td><td>${f(m.cv.roc_auc?.mean)} ± ${f(m.cv.roc_auc?.std)}</td>` +
      `${cols.map((c) => `<td>${f(m.test[c])}</td>`).join('')}<td>${m.configs_evaluated}</td><td>${esc(searchText(m))}</td><td>${m.search_rows}</td><td>${f(m.search_seconds, 1)}</td></tr>`)
    .join('');
  const bayes = r.bayes_auc === null ? '' : `<tr class="ref"><td>Bayes-optimal (true probabilities)</td><td></td><td>${f(r.bayes_auc)}</td>${cols.slice(1).map(() => '<td></td>').join('')}<td></td><td></td><td></td><td></td></tr>`;
  const cf = (r.collab?.baselines ?? [])
    .map((b) => `<tr class="cf"><td>${esc(b.name)} alone (on ${esc(b.target)}${b.test_rmse === null ? '' : `, RMSE ${f(b.test_rmse)}`})</td><td></td><td>${f(b.test_auc)}</td>${cols.slice(1).map(() => '<td></td>').join('')}<td></td><td></td><td></td><td></td></tr>`)
    .join('');
  return `<table>${head}${rows}${cf}${bayes}</table>`;
}

const paramText = (p: Record<string, unknown>) => Object.entries(p).map(([k, v]) => `${k} ${JSON.stringify(v)}`).join(', ') || 'engine defaults';

/** Every candidate of each collaborative model's search, the chosen one marked. */
function searchTable(c: NonNullable<RunReport['collab']>): string {
  const rows = c.search.flatMap((s) =>
    s.candidates.map((k, i) => `<tr${i === s.best ? ' class="best"' : ''}><td>${esc(s.kind)}</td><td>${esc(k.target)}</td><td>${esc(paramText(k.params))}</td><td>${f(k.cv_auc)}</td></tr>`));
  const sample = c.search_sample ? `<p>Candidates compared on the ${c.search_sample.rows} training rows of ${c.search_sample.users} sampled users (the search's row budget); the chosen models' columns are out of fold on every training row.</p>` : '';
  return `${sample}<table class="search"><tr><th>model</th><th>target</th><th>grid values</th><th>out-of-fold AUC</th></tr>${rows.join('')}</table>`;
}

/** The collaborative group: its search (target and parameters), the baselines next to the hybrids, and what the group adds. */
function collabSection(r: RunReport): string {
  const c = r.collab;
  if (!c) return '<p>No collaborative models in this engine build: the models use content features only.</p>';
  const chosen = c.search.map((s) => `${esc(s.kind)}: ${esc(paramText(s.candidates[s.best]!.params))}`).join('; ');
  const share = r.models.map((m) => `<tr><td>${esc(m.name)}</td><td>${f(m.test.roc_auc)}</td><td>${f(c.importance_share[m.name], 3)}</td></tr>`).join('');
  const base = c.baselines.map((b) => `<tr class="cf"><td>${esc(b.name)} alone</td><td>${f(b.test_auc)}</td><td></td></tr>`).join('');
  return `<p>Matrix factorization fitted on <b>${esc(c.target)}</b>; chosen parameters: ${chosen}. Target and parameters of each model are chosen by out-of-fold AUC ` +
    `(score vs liked) on the training rows only, over the grid below (ties: the earlier candidate). ` +
    `Training rows get out-of-fold scores (the feature folds); test rows and serving the model fitted on all training rows. Kept columns: ${c.columns.map(esc).join(', ') || 'none'}.</p>` +
    (c.skipped ?? []).map((s) => `<p>${esc(s.kind)} left out of the group: ${esc(s.reason)}.</p>`).join('') +
    searchTable(c) +
    `<table><tr><th>model</th><th>test AUC</th><th>importance share of the collaborative columns</th></tr>${share}${base}</table>` +
    (c.without ? `<p>${esc(c.without.model)} refit without the collaborative columns${c.without.rows !== undefined && c.without.rows < r.split.train ? ` (both fits on the search sample of ${c.without.rows} training rows)` : ''}: test AUC ${f(c.without.test_auc)} (with them: ${f(c.without.with_group)}).</p>` : '');
}

function charts(r: RunReport): string {
  const roc: Series[] = r.models.map((m) => ({ name: `${m.name} (AUC ${f(m.test.roc_auc, 3)})`, points: m.curve.map((p) => [p.fpr, p.tpr]) }));
  roc.push({ name: 'random', points: [[0, 0], [1, 1]], dashed: true });
  const pr: Series[] = r.models.map((m) => ({ name: `${m.name} (AP ${f(m.test.average_precision, 3)})`, points: m.curve.slice(1).map((p) => [p.tpr, p.precision]) }));
  const cal: Series[] = r.models.map((m) => ({ name: `${m.name} (ECE ${f(m.test.ece, 3)})`, points: m.calibration.map((b) => [b.meanPredicted, b.observedRate]) }));
  cal.push({ name: 'perfect', points: [[0, 0], [1, 1]], dashed: true });
  return `<div class="row">${lineChart('ROC curves', 'false positive rate', 'true positive rate', roc)}${lineChart('Precision-recall', 'recall', 'precision', pr)}${lineChart('Calibration', 'predicted P(like)', 'observed like rate', cal)}</div>`;
}

/** The best configuration's early stopping, when it has one: best round per fold, their mean, the kept model's. */
export function earlyStoppingText(es: ModelSummary['early_stopping']): string {
  if (!es) return '';
  const refit = es.refit_best_iteration === null ? '' : `; refit on all training rows: ${es.refit_best_iteration}`;
  return `<p class="es">early stopping on ${f(es.validation_fraction * 100, 0)}% of each fit's training rows: best iteration per fold ${es.best_iterations.join(', ')} (mean ${f(es.mean_best_iteration, 1)})${refit}</p>`;
}

function modelSections(r: RunReport): string {
  return r.models
    .map((m) => `<h3>${esc(m.name)}${m.name === r.best_model ? ' (best)' : ''}</h3><p>best parameters: <code>${esc(JSON.stringify(m.best_params))}</code></p>${earlyStoppingText(m.early_stopping)}` +
      `<div class="row">${confusionChart('confusion at threshold 0.5', m.test.confusion)}` +
      `${barChart(`${m.name}: ${kindEntry(m.kind).importance.label} importance (top 15)`, m.importance)}` +
      `${barChart(`${m.name}: permutation importance (test AUC drop)`, m.permutation)}</div>`)
    .join('');
}

function errorSection(r: RunReport): string {
  const e = r.error_analysis;
  const tables = e.bySegment
    .map((d) => `<h4>${esc(d.dimension)}</h4><table><tr><th>segment</th><th>n</th><th>like rate</th><th>mean P(like)</th><th>error rate</th></tr>` +
      d.segments.map((s) => `<tr><td>${esc(s.segment)}</td><td>${s.n}</td><td>${f(s.likeRate, 3)}</td><td>${f(s.meanP, 3)}</td><td>${f(s.errorRate, 3)}</td></tr>`).join('') + '</table>')
    .join('');
  return `<p>Overall error rate ${f(e.errorRate, 3)}; confidently wrong: ${e.confidentFalsePositives} predicted ≥ 0.8 but not liked, ${e.confidentFalseNegatives} predicted ≤ 0.2 but liked.</p><div class="grid">${tables}</div>`;
}

function featureSection(r: RunReport): string {
  const fs = r.features;
  const dropped = fs.dropped.length ? `<ul>${fs.dropped.map((d) => `<li>${esc(d.name)}: ${esc(d.reason)}</li>`).join('')}</ul>` : '<p>none</p>';
  const pairs = fs.correlated_pairs.length
    ? `<table><tr><th>feature</th><th>feature</th><th>r</th></tr>${fs.correlated_pairs.map((p) => `<tr><td>${esc(p.a)}</td><td>${esc(p.b)}</td><td>${f(p.r, 3)}</td></tr>`).join('')}</table>`
    : '<p>no pair above |r| = 0.8</p>';
  const pca = fs.pca.explained.map((v, i) => `PC${i + 1} ${(100 * v).toFixed(1)}% (${fs.pca.top[i]?.features.map((x) => esc(x.name)).join(', ')})`).join('; ');
  return `<p>${fs.kept} of ${fs.catalogue} features kept.</p><h4>Dropped</h4>${dropped}<h4>Most correlated pairs</h4>${pairs}<h4>PCA of the standardized features</h4><p>${pca}; ${fs.pca.componentsFor90 > 0 ? `${fs.pca.componentsFor90} components` : 'more than the top components'} explain 90% of the variance.</p>`;
}

export function renderHtml(r: RunReport): string {
  const d = r.dataset;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>moviepref report</title><style>
body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1300px}table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccc;padding:3px 7px;font-size:12px;text-align:right}
td:first-child,th:first-child{text-align:left}tr.best{background:#eef6ee}tr.ref{color:#666;font-style:italic}tr.cf{color:#335}.row{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}.grid{display:grid;grid-template-columns:repeat(2,1fr);gap:8px}code{font-size:12px}li{margin:3px 0}
</style></head><body>
<h1>moviepref: will a user like a movie?</h1>
<p>${esc(r.created)} · engine ${esc(r.engine.backend)} ${esc(r.engine.version)} · ${esc(JSON.stringify(r.config))}</p>
<p>Data: ${esc(d.source)}, ${d.users} users, ${d.movies} movies, ${d.interactions} interactions, like rate ${f(d.like_rate, 3)}. Split: ${esc(r.split.kind)}, ${r.split.train} train / ${r.split.test} test${r.split.note ? ` (${esc(r.split.note)})` : ''}.</p>
<h2>Insights</h2><ul id="insights">${r.insights.map((i) => `<li>${esc(i)}</li>`).join('')}</ul>
<h2>Model comparison</h2><div id="comparison">${comparisonTable(r)}</div>
${charts(r)}
<h2>Collaborative filtering</h2><div id="collab">${collabSection(r)}</div>
<h2>Models</h2>${modelSections(r)}
<h2>Error analysis (${esc(r.best_model)})</h2>${errorSection(r)}
<h2>Features</h2>${featureSection(r)}
<h2>Timings (s)</h2><p>${Object.entries(r.timings).map(([k, v]) => `${esc(k)} ${v.toFixed(2)}`).join(' · ')}</p>
</body></html>
`;
}
