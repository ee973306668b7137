/**
 * Whole-pipeline section: `moviepref run --mode full` against the Python reference of the seed pipeline
 * (bench/reference/pipeline.py: pandas + scikit-learn GridSearchCV 5-fold + XGBoost), both reading the
 * SAME generated CSVs, each timed wall-clock as a whole process with its peak RSS (GNU time). Ours runs
 * twice on those CSVs, with the exhaustive grid (the default) and with `--search halving`, and once more
 * on a generated 500k-interaction dataset in full mode (the issue's "500k end to end" goal).
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { type Failed, failed, must, PY, pythonPeers, ROOT, runJson } from '../lib.js';

/** Per model: the search's best CV AUC, its seconds (search + refit), fits and best configuration. */
export interface PipelineModel {
  cv_auc: number | null;
  test_auc: number;
  search_seconds: number;
  /** Which search ran ("grid" or "halving") and the fits it made. */
  search: string;
  fits: number | null;
  best_params: Record<string, unknown>;
}

export interface PipelineRun {
  contender: string;
  wall_seconds: number;
  peak_rss_mb: number | null;
  /** Test ROC-AUC per model (the names each side uses). */
  test_auc: Record<string, number>;
  /** The process's own phase timings. */
  seconds: Record<string, number>;
  rows: { train: number; test: number } | null;
  /** Ours only: per model search details (absent in runs from before 2026-12-03). */
  models?: Record<string, PipelineModel>;
}

export interface PipelineSection {
  data: string;
  threads: number;
  ours: PipelineRun | Failed;
  /** `--search halving` on the same CSVs (absent in runs from before 2026-12-03). */
  halving?: PipelineRun | Failed;
  python: PipelineRun | Failed;
  /** Ours in full mode on the generated 500k-interaction CSVs (absent in runs from before 2026-12-03). */
  large?: { data: string; interactions: number; run: PipelineRun | Failed };
}

/** The large run's data: 500k interactions with the bench's synthetic shape (50 ratings per user, 500 per movie). */
export const LARGE = { interactions: 500_000, users: 10_000, movies: 1_000 };

/** Runs a command (under GNU time when present, for its peak RSS) through the bench's one runner;
 *  its stdout's last line is the JSON result. */
function timed(cmd: string, args: string[]): { wall: number; rss: number | null; json: Record<string, unknown> } | Failed {
  const rssFile = `${ROOT}bench/data/.time-rss`;
  const useTime = existsSync('/usr/bin/time');
  const t0 = performance.now();
  const r = useTime ? runJson('/usr/bin/time', ['-f', '%M', '-o', rssFile, cmd, ...args]) : runJson(cmd, args);
  const wall = (performance.now() - t0) / 1000;
  if (failed(r)) return r;
  const rss = useTime ? Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) / 1024 : null;
  return { wall, rss, json: r };
}

type Summary = { name: string; test_auc: number; cv_auc?: number; search_seconds: number; search?: string; fits?: number; best_params: Record<string, unknown> };

/** `moviepref run --mode full --source csv` on `data` with `extra` options, as a PipelineRun. */
function ours(contender: string, data: string, out: string, extra: string[]): PipelineRun | Failed {
  rmSync(`${ROOT}${out}`, { recursive: true, force: true });
  const o = timed(process.execPath, ['ts/dist/cli/main.js', 'run', '--mode', 'full', '--source', 'csv', '--data', data, '--seed', '42', '--out', out, '--json', ...extra]);
  if ('error' in o) return o;
  const models = o.json.models as Summary[];
  return {
    contender,
    wall_seconds: o.wall,
    peak_rss_mb: o.rss,
    test_auc: Object.fromEntries(models.map((m) => [m.name, m.test_auc])),
    seconds: { ...(o.json.timings as Record<string, number>), ...Object.fromEntries(models.map((m) => [`search:${m.name}`, m.search_seconds])) },
    rows: null,
    models: Object.fromEntries(
      models.map((m) => [m.name, { cv_auc: m.cv_auc ?? null, test_auc: m.test_auc, search_seconds: m.search_seconds, search: m.search ?? 'grid', fits: m.fits ?? null, best_params: m.best_params }]),
    ),
  };
}

function generate(data: string, args: string[]): void {
  if (!existsSync(`${ROOT}${data}/ratings.csv`)) must(process.execPath, ['ts/dist/cli/main.js', 'generate', '--seed', '42', '--out', data, ...args]);
}

export function pipelineSection(threads: number): PipelineSection {
  const data = 'bench/data/pipeline-full-s42';
  generate(data, ['--mode', 'full']);
  const grid = ours('moviepref run --mode full', data, 'bench/data/pipeline-ours', []);
  const halving = ours('moviepref run --mode full --search halving', data, 'bench/data/pipeline-ours-halving', ['--search', 'halving']);

  const noPython = pythonPeers();
  let python: PipelineRun | Failed = { error: noPython ?? '', skipped: true };
  if (!noPython) {
    rmSync(`${ROOT}bench/data/pipeline-python`, { recursive: true, force: true });
    const p = timed(PY, ['bench/reference/pipeline.py', '--data', data, '--out', 'bench/data/pipeline-python', '--seed', '42', '--folds', '5', '--n-jobs', String(threads)]);
    python =
      'error' in p
        ? p
        : {
            contender: 'Python reference (pandas + scikit-learn + XGBoost)',
            wall_seconds: p.wall,
            peak_rss_mb: p.rss,
            test_auc: Object.fromEntries(Object.entries(p.json.models as Record<string, { test_auc: number }>).map(([k, v]) => [k, v.test_auc])),
            seconds: p.json.seconds as Record<string, number>,
            rows: p.json.rows as { train: number; test: number },
          };
  }

  const largeData = `bench/data/pipeline-${LARGE.interactions / 1000}k-s42`;
  generate(largeData, ['--users', String(LARGE.users), '--movies', String(LARGE.movies), '--interactions', String(LARGE.interactions)]);
  const large = { data: largeData, interactions: LARGE.interactions, run: ours(`moviepref run --mode full (${LARGE.interactions / 1000}k)`, largeData, 'bench/data/pipeline-ours-large', []) };
  return { data, threads, ours: grid, halving, python, large };
}

/** The issue's goals for this section, judged from the run (never asserted in tests). */
export function pipelineGoals(p: PipelineSection): string[] {
  const out: string[] = [];
  const py = p.python;
  if (failed(py)) return [`whole pipeline: Python reference ${py.skipped ? 'skipped' : 'failed'}: ${py.error.split('\n')[0]}`];
  if (!failed(p.ours)) {
    const x = py.wall_seconds / p.ours.wall_seconds;
    out.push(`whole pipeline, exhaustive grid: ${x.toFixed(1)}x faster than the Python reference (${py.wall_seconds.toFixed(0)} s vs ${p.ours.wall_seconds.toFixed(0)} s), goal >= 5x: ${x >= 5 ? 'met' : 'MISSED'}`);
  }
  if (p.halving && !failed(p.halving) && !failed(p.ours)) {
    const x = py.wall_seconds / p.halving.wall_seconds;
    const grid = p.ours.models ?? {};
    const d = Object.entries(p.halving.models ?? {}).map(([name, m]) => ({ name, d: (m.cv_auc ?? NaN) - (grid[name]?.cv_auc ?? NaN) }));
    const worst = d.reduce((a, b) => (!(Math.abs(b.d) <= Math.abs(a.d)) ? b : a), { name: '-', d: 0 });
    const met = x >= 10 && d.every((e) => Math.abs(e.d) <= 0.002);
    out.push(
      `whole pipeline, --search halving: ${x.toFixed(1)}x faster than the Python reference (${p.halving.wall_seconds.toFixed(0)} s), best CV AUC vs the grid's: ${d.map((e) => `${e.name} ${e.d >= 0 ? '+' : ''}${e.d.toFixed(4)}`).join(', ')} (largest |Δ| ${Math.abs(worst.d).toFixed(4)}); goal >= 10x within 0.002: ${met ? 'met' : 'MISSED'}`,
    );
  }
  if (p.large && !failed(p.large.run)) {
    const s = p.large.run.wall_seconds;
    out.push(`${p.large.interactions.toLocaleString('en')} interactions, run --mode full end to end: ${s.toFixed(0)} s, goal <= 180 s: ${s <= 180 ? 'met' : 'MISSED'}`);
  }
  return out;
}
