/** The demo page (UI thread): controls, live progress, results, per-user recommendations, model files. */
import { kindEntry } from '../src/pipeline/kinds.js';
import { barChart, COLORS, confusionChart, label, rocChart, type Series } from './charts.js';
import type { LoadedModel, ModelResult, Preset, Reply, Request, Results } from './protocol.js';

const $ = <T extends HTMLElement>(id: string): T => {
  const e = document.getElementById(id);
  if (!e) throw new Error(`#${id} missing from index.html`);
  return e as T;
};

const h = <K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] => {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
};

/** A colored square marking a model's series. */
const swatch = (name: string): HTMLSpanElement => {
  const e = h('span', { className: 'swatch' });
  e.style.background = COLORS[name] ?? '#444';
  return e;
};

const fmt = (v: number | null | undefined, digits = 4): string => (v === null || v === undefined || Number.isNaN(v) ? '–' : v.toFixed(digits));
const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const send = (r: Request, transfer: Transferable[] = []): void => worker.postMessage(r, transfer);

const ui = {
  engine: $('engine'),
  preset: $<HTMLSelectElement>('preset'),
  seed: $<HTMLInputElement>('seed'),
  train: $<HTMLButtonElement>('train'),
  bar: $('bar'),
  elapsed: $('elapsed'),
  log: $('log'),
  results: $('results'),
  summary: $('summary'),
  comparison: $('comparison').querySelector('tbody')!,
  roc: $('roc'),
  models: $('models'),
  user: $<HTMLSelectElement>('user'),
  hour: $<HTMLSelectElement>('hour'),
  model: $<HTMLSelectElement>('model'),
  profile: $('profile'),
  recs: $('recs').querySelector('tbody')!,
  file: $<HTMLInputElement>('model-file'),
  loaded: $('loaded'),
  error: $('error'),
  timings: $('timings'),
};

let results: Results | null = null;
let busy = false;

for (let hr = 0; hr < 24; hr++) ui.hour.append(h('option', { value: String(hr), textContent: `${String(hr).padStart(2, '0')}:00`, selected: hr === 20 }));

function showError(msg: string | null): void {
  ui.error.hidden = msg === null;
  ui.error.textContent = msg ?? '';
}

function setBusy(b: boolean): void {
  busy = b;
  ui.train.disabled = b;
  ui.train.textContent = b ? 'Training…' : 'Train models';
}

function startTraining(): void {
  const seed = Number(ui.seed.value);
  if (!Number.isSafeInteger(seed) || seed < 0) return showError('The seed must be a non-negative integer.');
  showError(null);
  setBusy(true);
  ui.log.replaceChildren();
  ui.bar.style.width = '0';
  ui.elapsed.textContent = '';
  send({ type: 'train', preset: ui.preset.value as Preset, seed });
}

function renderComparison(r: Results): void {
  const bayes = r.bayes?.auc ?? null;
  const row = (m: ModelResult) => {
    const auc = m.metrics.roc_auc;
    const aucCell = h('td', { className: 'auc' }, fmt(auc));
    aucCell.dataset.value = String(auc);
    if (bayes !== null) aucCell.append(h('span', { className: 'gap', textContent: `${((auc / bayes) * 100).toFixed(1)}%` }));
    const bayesCell = h('td', { className: 'bayes' }, fmt(bayes));
    const tr = h(
      'tr',
      { className: m.name === r.best ? 'best' : '' },
      h('td', {}, swatch(m.name), label(m.name)),
      aucCell,
      bayesCell,
      h('td', {}, fmt(m.metrics.log_loss)),
      h('td', {}, fmt(m.metrics.accuracy, 3)),
      h('td', {}, fmt(m.cvAuc)),
      h('td', {}, `${m.seconds.toFixed(1)} s`),
    );
    tr.dataset.model = m.name;
    return tr;
  };
  ui.comparison.replaceChildren(...r.models.map(row));
  if (r.bayes) {
    const tr = h('tr', { id: 'bayes-row' }, h('td', {}, swatch('bayes'), 'Bayes-optimal (true P)'));
    const cell = h('td', { id: 'bayes-auc' }, fmt(r.bayes.auc));
    cell.dataset.value = String(r.bayes.auc);
    tr.append(cell, h('td', {}, '–'), h('td', {}, fmt(r.bayes.logLoss)), h('td', {}, '–'), h('td', {}, '–'), h('td', {}, '–'));
    ui.comparison.append(tr);
  }
}

function renderRoc(r: Results, extra?: LoadedModel): void {
  const series: Series[] = r.models.map((m) => ({ name: m.name, points: m.roc, auc: m.metrics.roc_auc }));
  if (extra?.test) series.push({ name: 'loaded', points: extra.test.roc, auc: extra.test.auc });
  if (r.bayes) series.push({ name: 'bayes', points: r.bayes.roc, auc: r.bayes.auc, dashed: true });
  ui.roc.replaceChildren(rocChart(series));
  const legendNames: Record<string, string> = { bayes: 'Bayes-optimal', loaded: 'Loaded model file' };
  ui.roc.querySelectorAll('text.legend').forEach((t, i) => {
    const name = series[i]?.name ?? '';
    if (legendNames[name]) t.textContent = legendNames[name]!;
  });
}

function renderModels(r: Results): void {
  ui.models.replaceChildren(
    ...r.models.map((m) => {
      const c = m.metrics.confusion;
      const params = Object.entries(m.bestParams).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ');
      return h(
        'div',
        { className: 'card model-card' },
        h('h3', {}, swatch(m.name), label(m.name)),
        h('p', { className: 'metrics', textContent: `precision ${fmt(m.metrics.precision, 3)} · recall ${fmt(m.metrics.recall, 3)} · threshold 0.5 · ${params || 'defaults'}` }),
        h(
          'div',
          { className: 'pair' },
          confusionChart(c, COLORS[m.name] ?? '#444'),
          h('h4', {}, `Top 10 features (${kindEntry(m.kind).importance.label})`),
          barChart(m.importance, COLORS[m.name] ?? '#444', `Top features: ${label(m.name)}`),
        ),
      );
    }),
  );
}

function renderResults(r: Results): void {
  results = r;
  ui.results.hidden = false;
  const t = r.timings;
  ui.summary.textContent =
    `${r.dataset.users} users, ${r.dataset.movies} movies, ${r.dataset.interactions.toLocaleString()} ratings (${(r.dataset.likeRate * 100).toFixed(1)}% liked), seed ${r.seed}` +
    ` · split ${r.split.train.toLocaleString()} train / ${r.split.test.toLocaleString()} test · ${r.features.kept} of ${r.features.catalogue} features kept` +
    ` · data ${secs(t.data)}, features ${secs(t.features)}, training ${secs(t.training)}, total ${secs(t.total)}`;
  const dt = (k: string, v: string) => [h('dt', {}, k), h('dd', {}, v)];
  ui.timings.replaceChildren(
    ...dt('Generate data', secs(t.data)),
    ...dt('Split + features', secs(t.features)),
    ...dt('Train (3 grid searches)', secs(t.training)),
    ...dt('Total', secs(t.total)),
  );
  renderComparison(r);
  renderRoc(r);
  renderModels(r);
  ui.user.replaceChildren(...r.users.map((u) => h('option', { value: String(u.id), textContent: `user ${u.id} (${u.interactions} ratings)` })));
  ui.model.replaceChildren(...r.models.map((m) => h('option', { value: m.name, textContent: label(m.name), selected: m.name === r.best })));
  requestRecommendations();
}

function requestRecommendations(): void {
  if (!results || busy) return;
  send({ type: 'recommend', userId: Number(ui.user.value), hour: Number(ui.hour.value), model: ui.model.value });
}

function renderRecommendations(msg: Extract<Reply, { type: 'recommendations' }>): void {
  const u = msg.user;
  ui.profile.textContent =
    `User ${u.id}: ${Math.round(u.age)} years, ${u.gender}, ${u.subscription} plan, favorite genres ${u.favorites.join(', ') || 'none declared'}; ` +
    `${u.ratings} ratings of ${u.seen} distinct movies, ${u.liked} liked. Top 10 of ${msg.candidates} unseen movies at ${String(msg.hour).padStart(2, '0')}:00, ranked by ${label(msg.model)}.`;
  ui.recs.replaceChildren(
    ...msg.items.map((it, i) => {
      const p = it.p[msg.model] ?? Number.NaN;
      const others = Object.entries(it.p).filter(([k]) => k !== msg.model).map(([k, v]) => `${label(k)}: ${v.toFixed(3)}`).join(' · ');
      const fill = h('i');
      fill.style.width = `${(p * 100).toFixed(1)}%`;
      const pCell = h('td', { className: 'p', title: others }, h('span', { className: 'pbar' }, fill), p.toFixed(3));
      pCell.dataset.value = String(p);
      return h('tr', {}, h('td', {}, String(i + 1)), h('td', {}, it.title), h('td', {}, it.genres.join(', ')), h('td', {}, String(it.year)), h('td', {}, fmt(it.imdb, 1)), pCell);
    }),
  );
}

function renderLoaded(m: LoadedModel): void {
  const i = m.info;
  const fit = Object.entries(i.fit).filter(([, v]) => typeof v !== 'object').map(([k, v]) => `${k}=${String(v)}`).join(', ');
  const dl = h('dl', {});
  const add = (k: string, v: string) => dl.append(h('dt', {}, k), h('dd', {}, v));
  add('File', m.name);
  add('Kind', i.kind);
  add('Features', String(i.n_features));
  add('Params', Object.entries(i.params).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ') || '–');
  if (fit) add('Fit', fit);
  add('Engine', `${i.engine_version} (format ${i.format_version})`);
  if (m.test) {
    add('Test AUC', fmt(m.test.auc));
    add('Log-loss', fmt(m.test.logLoss));
    add('Accuracy', fmt(m.test.accuracy, 3));
  }
  ui.loaded.replaceChildren(dl, h('p', { className: 'note', textContent: m.note }));
  if (results) renderRoc(results, m);
}

worker.onmessage = (ev: MessageEvent<Reply>) => {
  const msg = ev.data;
  switch (msg.type) {
    case 'ready':
      ui.engine.textContent = `${msg.engine.engine} ${msg.engine.version} · wasm · ready in ${msg.ms.toFixed(0)} ms`;
      ui.train.disabled = busy;
      return;
    case 'progress':
      ui.bar.style.width = `${((msg.step / msg.steps) * 100).toFixed(0)}%`;
      ui.elapsed.textContent = secs(msg.ms);
      ui.log.append(h('li', { className: msg.message.startsWith('done') ? 'done' : '', textContent: `${secs(msg.ms).padStart(7)}  ${msg.message}` }));
      ui.log.scrollTop = ui.log.scrollHeight;
      return;
    case 'results':
      setBusy(false);
      ui.bar.style.width = '100%';
      renderResults(msg.results);
      return;
    case 'recommendations':
      renderRecommendations(msg);
      return;
    case 'model-loaded':
      renderLoaded(msg.model);
      return;
    case 'error':
      if (msg.during === 'train') setBusy(false);
      if (msg.during === 'init') {
        ui.engine.textContent = 'engine unavailable';
        ui.engine.classList.add('bad');
      }
      showError(`${msg.during} failed (${msg.code}): ${msg.message}`);
      return;
  }
};
worker.onerror = (ev) => showError(`worker failed: ${ev.message}`);

ui.train.addEventListener('click', startTraining);
for (const s of [ui.user, ui.hour, ui.model]) s.addEventListener('change', requestRecommendations);
ui.file.addEventListener('change', async () => {
  const f = ui.file.files?.[0];
  if (!f) return;
  const bytes = await f.arrayBuffer();
  send({ type: 'load-model', name: f.name, bytes }, [bytes]);
});
