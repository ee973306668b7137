/**
 * Collaborative-filtering section: our matrix factorization and item kNN (through the public engine,
 * bench/collab-fit.ts) against Surprise (SVD, SVD++, KNNBaseline) and implicit (ALS) in
 * bench/collab_peers.py, and the whole pipeline's gradient boosting (the hybrid: collaborative plus
 * content features) on the SAME train/test pairs: the pipeline's user-overlap and temporal splits
 * (root seed 42) of MovieLens 100K (when present) and of the synthetic `generate --mode full --seed 42`
 * data, exported once per split by bench/ratings-export.ts.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type Failed, failed, PY, pythonPeers, ROOT, type Row, runJson } from '../lib.js';

export type CollabRole = 'ours' | 'peer' | 'hybrid';

export interface CollabEntry {
  contender: string;
  role: CollabRole;
  /** The `ours` contender this one's fit time is compared with (ratio = ours / this). */
  vs?: string;
  result: Row | Failed;
}

export interface CollabTable {
  dataset: string;
  split: string;
  /** What bench/ratings-export.ts printed: sizes, cold-start counts. */
  meta: Record<string, unknown>;
  entries: CollabEntry[];
}

export const DATASETS = ['movielens', 'synthetic-full'] as const;
export const SPLITS = ['user-overlap', 'temporal'] as const;
export const SEED = 42;

/** Our models and their spec parameters (MF needs its seed; everything else: the engine's defaults,
 *  chosen by cross-validation on training data where the engine documents them). */
export const OURS: { kind: string; params: Record<string, unknown> }[] = [
  { kind: 'mf', params: { seed: SEED } },
  { kind: 'item_knn', params: {} },
];

/** Each peer and the one of ours it is compared with; Surprise is single-threaded, so it is compared
 *  with ours on one thread, implicit's ALS (multi-threaded) with ours on the bench's threads. */
export const PEERS: { lib: string; vs: (threads: number) => string; threaded: boolean }[] = [
  { lib: 'surprise-svd', vs: () => 'ours mf 1t', threaded: false },
  { lib: 'surprise-svdpp', vs: () => 'ours mf 1t', threaded: false },
  { lib: 'surprise-knn-baseline', vs: () => 'ours item_knn 1t', threaded: false },
  { lib: 'implicit-als', vs: (t) => `ours mf ${t}t`, threaded: true },
];

/** The pipeline's split as a ratings CSV (cached with its metadata under bench/data/). */
function ratings(dataset: string, split: string, movielens: string): Record<string, unknown> | Failed {
  const file = `bench/data/ratings-${dataset}-${split}-s${SEED}.csv`;
  const meta = `${ROOT}${file}.json`;
  if (existsSync(meta) && existsSync(`${ROOT}${file}`)) return JSON.parse(readFileSync(meta, 'utf8')) as Record<string, unknown>;
  const src = dataset === 'movielens' ? ['--movielens', movielens] : ['--synthetic', 'full'];
  const r = runJson(process.execPath, ['--import', 'tsx', 'bench/ratings-export.ts', ...src, '--split', split, '--seed', String(SEED), '--out', file]);
  if (!failed(r)) writeFileSync(meta, JSON.stringify(r));
  return r;
}

/** The pipeline (full mode) on the same data and split; its gradient boosting's test AUC. */
function pipelineGbdt(dataset: string, split: string, movielens: string): Row | Failed {
  const out = `bench/data/collab-pipeline-${dataset}-${split}`;
  rmSync(`${ROOT}${out}`, { recursive: true, force: true });
  const data = dataset === 'movielens' ? ['train', '--source', 'movielens', '--data', movielens] : ['run'];
  const t0 = performance.now();
  const r = runJson(process.execPath, ['ts/dist/cli/main.js', ...data, '--mode', 'full', '--split', split, '--seed', String(SEED), '--out', out, '--json']);
  if (failed(r)) return r;
  const gbdt = (r.models as { name: string; test_auc: number }[] | undefined)?.find((m) => m.name === 'gradient_boosting');
  if (!gbdt) return { error: 'the pipeline reported no gradient_boosting model' };
  return { engine: 'moviepref pipeline', threads: 0, fit_seconds: (performance.now() - t0) / 1000, test_auc: gbdt.test_auc };
}

export function collabSection(threads: number, movielens: string): CollabTable[] {
  const tables: CollabTable[] = [];
  const noPython = pythonPeers();
  const threadCounts = [...new Set([1, threads])];
  for (const dataset of DATASETS) {
    if (dataset === 'movielens' && !existsSync(`${movielens}/u.data`)) {
      process.stderr.write(`MovieLens 100K not found at ${movielens}: collab tables skipped for it\n`);
      continue;
    }
    for (const split of SPLITS) {
      const meta = ratings(dataset, split, movielens);
      if (failed(meta)) {
        tables.push({ dataset, split, meta: {}, entries: [{ contender: 'ratings export', role: 'ours', result: meta }] });
        continue;
      }
      const file = String(meta.file);
      const entries: CollabEntry[] = [];
      for (const { kind, params } of OURS) {
        for (const t of threadCounts) {
          const result = runJson(process.execPath, ['--import', 'tsx', 'bench/collab-fit.ts', '--data', file, '--kind', kind, '--params', JSON.stringify(params), '--threads', String(t)], { RAYON_NUM_THREADS: String(t) });
          entries.push({ contender: `ours ${kind} ${t}t`, role: 'ours', result });
        }
      }
      for (const p of PEERS) {
        const t = p.threaded ? threads : 1;
        const result: Row | Failed = noPython ? { error: noPython, skipped: true } : runJson(PY, ['bench/collab_peers.py', '--data', file, '--lib', p.lib, '--threads', String(t), '--seed', String(SEED)], { OPENBLAS_NUM_THREADS: '1' });
        entries.push({ contender: p.lib, role: 'peer', vs: p.vs(threads), result });
      }
      entries.push({ contender: 'pipeline gradient boosting', role: 'hybrid', result: pipelineGbdt(dataset, split, movielens) });
      tables.push({ dataset, split, meta, entries });
    }
  }
  return tables;
}
