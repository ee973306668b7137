/**
 * Grid-search section: the full-mode grids of the pipeline's kind table (ts/src/pipeline/kinds.ts), configs x 5 folds
 * + the best refit, on the seed-size features; fits per second at 1 and 2 threads, ours vs scikit-learn
 * GridSearchCV over the peer that plays the same part (XGBoost for boosting, RandomForest for the forest).
 */
import { gridSpec, KINDS } from '../../ts/src/pipeline/kinds.js';
import { deriveSeed } from '../../ts/src/pipeline/seeds.js';
import { type Failed, PY, pythonPeers, type Row, runJson } from '../lib.js';

export interface GridEntry {
  model: string;
  contender: string;
  threads: number;
  result: Row | Failed;
}

const PEERS: Record<string, { lib: string; fixed: (p: Record<string, unknown>) => object }> = {
  gradient_boosting: { lib: 'xgboost', fixed: (p) => ({ subsample: p.subsample, colsample_bytree: p.colsample_bytree }) },
  random_forest: { lib: 'sklearn-rf', fixed: () => ({}) },
};

export function gridSection(file: string, threads: number[], folds = 5): GridEntry[] {
  const out: GridEntry[] = [];
  const noPython = pythonPeers();
  for (const entry of KINDS) {
    const plan = { name: entry.name, grid: gridSpec(entry, 'full', deriveSeed(42, `model:${entry.name}`)) };
    const peer = PEERS[plan.name];
    if (!peer) continue;
    for (const t of threads) {
      out.push({
        model: plan.name,
        contender: 'ours',
        threads: t,
        result: runJson(process.execPath, ['--import', 'tsx', 'bench/grid-fit.ts', '--data', file, '--folds', String(folds), '--spec', JSON.stringify(plan.grid)], { RAYON_NUM_THREADS: String(t) }),
      });
      const args = ['bench/peers.py', '--data', file, '--lib', peer.lib, '--threads', String(t), '--folds', String(folds), '--grid', JSON.stringify(plan.grid.grid), '--fixed', JSON.stringify(peer.fixed(plan.grid.params ?? {}))];
      out.push({ model: plan.name, contender: `${peer.lib} GridSearchCV`, threads: t, result: noPython ? { error: noPython, skipped: true } : runJson(PY, args) });
    }
  }
  return out;
}
