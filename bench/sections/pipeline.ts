/**
 * Whole-pipeline section: `moviepref run --mode full` against the Python reference of the seed pipeline
 * (bench/reference/pipeline.py: pandas + scikit-learn GridSearchCV 5-fold + XGBoost), both reading the
 * SAME generated CSVs, each timed wall-clock as a whole process with its peak RSS (GNU time). Ours runs
 * twice: the default exhaustive grid and `--search halving` (successive halving), each with its best CV AUCs.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { type Failed, failed, must, PY, pythonPeers, ROOT, runJson } from '../lib.js';

export interface PipelineRun {
  contender: string;
  wall_seconds: number;
  peak_rss_mb: number | null;
  /** Test ROC-AUC per model (the names each side uses). */
  test_auc: Record<string, number>;
  /** Ours: the best configuration's mean CV ROC-AUC per model. */
  cv_auc?: Record<string, number>;
  /** The process's own phase timings. */
  seconds: Record<string, number>;
  rows: { train: number; test: number } | null;
}

export interface PipelineSection {
  data: string;
  threads: number;
  ours: PipelineRun | Failed;
  /** Ours with `--search halving`. */
  halving?: PipelineRun | Failed;
  python: PipelineRun | Failed;
}

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

export function pipelineSection(threads: number): PipelineSection {
  const data = 'bench/data/pipeline-full-s42';
  if (!existsSync(`${ROOT}${data}/ratings.csv`)) must(process.execPath, ['ts/dist/cli/main.js', 'generate', '--mode', 'full', '--seed', '42', '--out', data]);
  for (const d of ['bench/data/pipeline-ours', 'bench/data/pipeline-halving', 'bench/data/pipeline-python']) rmSync(`${ROOT}${d}`, { recursive: true, force: true });

  const runOurs = (search: 'grid' | 'halving', out: string): PipelineRun | Failed => {
    const o = timed(process.execPath, ['ts/dist/cli/main.js', 'run', '--mode', 'full', '--source', 'csv', '--data', data, '--seed', '42', '--search', search, '--out', out, '--json']);
    if ('error' in o) return o;
    const models = o.json.models as { name: string; test_auc: number; cv_auc: number }[];
    return {
      contender: `moviepref run --mode full${search === 'grid' ? '' : ' --search halving'}`,
      wall_seconds: o.wall,
      peak_rss_mb: o.rss,
      test_auc: Object.fromEntries(models.map((m) => [m.name, m.test_auc])),
      cv_auc: Object.fromEntries(models.map((m) => [m.name, m.cv_auc])),
      seconds: o.json.timings as Record<string, number>,
      rows: null,
    };
  };
  const ours = runOurs('grid', 'bench/data/pipeline-ours');
  const halving = runOurs('halving', 'bench/data/pipeline-halving');

  const noPython = pythonPeers();
  let python: PipelineRun | Failed = { error: noPython ?? '', skipped: true };
  if (!noPython) {
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
  return { data, threads, ours, halving, python };
}
