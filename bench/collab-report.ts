/**
 * The collaborative-filtering section's tables and goal verdicts (from the run's own numbers; reported,
 * never asserted in tests): the hybrid (the pipeline's gradient boosting) reaches test AUC >= 0.80 and
 * beats the best collaborative peer by >= 0.01; our MF matches or beats Surprise SVD on AUC and RMSE and
 * fits >= 10x faster.
 */
import { failed, type Row, table } from './lib.js';
import type { CollabEntry, CollabTable } from './sections/collab.js';

export const HYBRID_MIN_AUC = 0.8;
export const HYBRID_MARGIN = 0.01;
export const MF_MIN_SPEEDUP = 10;

const ok = (e: CollabEntry | undefined): Row | undefined => (e && !failed(e.result) ? e.result : undefined);
const num = (r: Row | undefined, k: string): number => (r && typeof r[k] === 'number' ? (r[k] as number) : NaN);
const why = (e: CollabEntry | undefined, name: string): string =>
  !e ? `${name} not in the run` : failed(e.result) ? `${name} ${e.result.skipped ? 'skipped' : 'FAILED'}: ${e.result.error.split('\n')[0]?.slice(0, 100)}` : '';

function fitRatio(t: CollabTable, e: CollabEntry): number {
  const ours = ok(t.entries.find((o) => o.contender === e.vs));
  return num(ours, 'fit_seconds') / num(ok(e), 'fit_seconds');
}

export function collabTable(t: CollabTable): string {
  const rows = t.entries.map((e) => {
    const r = ok(e);
    const cold = num(r, 'cold_rows');
    return [e.contender, r && e.role !== 'hybrid' ? num(r, 'threads') : '', num(r, 'fit_seconds'), num(r, 'predict_seconds'), num(r, 'test_rmse'), num(r, 'test_auc'), num(r, 'fit_extra_mb'), e.vs ? fitRatio(t, e) : NaN, Number.isFinite(cold) ? String(cold) : '', why(e, '').trim()];
  });
  return table(['contender', 'thr', 'fit s', 'predict s', 'RMSE', 'AUC(liked)', 'fit +MB', 'ratio', 'cold', ''], rows);
}

/** The goals for one dataset and split, one line each. */
export function collabGoals(t: CollabTable): string[] {
  const at = `${t.dataset} ${t.split}`;
  const out: string[] = [];
  const peers = t.entries.filter((e) => e.role === 'peer' && ok(e));
  const best = peers.reduce<CollabEntry | undefined>((a, b) => (!a || num(ok(b), 'test_auc') > num(ok(a), 'test_auc') ? b : a), undefined);
  const hybrid = t.entries.find((e) => e.role === 'hybrid');
  if (!ok(hybrid) || !best) out.push(`${at} hybrid: not judged (${!best ? 'no collaborative peer measured' : why(hybrid, 'hybrid')})`);
  else {
    const h = num(ok(hybrid), 'test_auc');
    const b = num(ok(best), 'test_auc');
    const met = h >= HYBRID_MIN_AUC && h >= b + HYBRID_MARGIN;
    out.push(`${at} hybrid: test AUC ${h.toFixed(4)} vs best peer ${b.toFixed(4)} (${best.contender}), goal >= ${HYBRID_MIN_AUC.toFixed(2)} and >= best peer + ${HYBRID_MARGIN}: ${met ? 'met' : 'MISSED'}`);
  }
  const svd = t.entries.find((e) => e.contender === 'surprise-svd');
  const mf = t.entries.find((e) => e.contender === svd?.vs);
  if (!ok(svd) || !ok(mf)) out.push(`${at} MF vs Surprise SVD: not judged (${ok(svd) ? why(mf, svd?.vs ?? 'ours mf') : why(svd, 'surprise-svd')})`);
  else {
    const dAuc = num(ok(mf), 'test_auc') - num(ok(svd), 'test_auc');
    const dRmse = num(ok(mf), 'test_rmse') - num(ok(svd), 'test_rmse');
    const speedup = num(ok(svd), 'fit_seconds') / num(ok(mf), 'fit_seconds');
    const met = dAuc >= 0 && dRmse <= 0 && speedup >= MF_MIN_SPEEDUP;
    const signed = (v: number) => `${v >= 0 ? '+' : ''}${v.toFixed(4)}`;
    out.push(`${at} ${mf!.contender} vs Surprise SVD: AUC ${signed(dAuc)}, RMSE ${signed(dRmse)}, fit ${speedup.toFixed(1)}x faster; goal AUC >= SVD's, RMSE <= SVD's, fit >= ${MF_MIN_SPEEDUP}x faster: ${met ? 'met' : 'MISSED'}`);
  }
  return out;
}

export function renderCollab(tables: CollabTable[]): string[] {
  const parts: string[] = [];
  for (const t of tables) {
    const m = t.meta;
    const size = m.n_train !== undefined ? `: ${Number(m.n_train).toLocaleString('en')} train / ${Number(m.n_test).toLocaleString('en')} test ratings, ${m.users} users x ${m.items} items` : '';
    parts.push(`## collaborative filtering, ${t.dataset}, ${t.split} split (seed 42)${size}`, collabTable(t), '');
  }
  return parts;
}
