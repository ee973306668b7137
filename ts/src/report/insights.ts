/** Business insights written from the measured numbers of a run (no canned conclusions). */
import type { RunReport } from './types.js';

const pct = (v: number, d = 1) => `${(100 * v).toFixed(d)}%`;

export function writeInsights(r: Omit<RunReport, 'insights'>): string[] {
  const out: string[] = [];
  const best = r.models.find((m) => m.name === r.best_model);
  if (!best) return out;
  const auc = best.test.roc_auc;
  const rival = r.models.filter((m) => m.name !== best.name).sort((a, b) => b.test.roc_auc - a.test.roc_auc)[0];
  const diff = rival ? auc - rival.test.roc_auc : 0;
  out.push(
    `${best.name} is selected by cross-validated AUC (${best.cv.roc_auc?.mean.toFixed(3) ?? '?'} ± ${best.cv.roc_auc?.std.toFixed(3) ?? '?'}); on the held-out test set it reaches ROC-AUC ${auc.toFixed(3)}` +
      (rival
        ? Math.abs(diff) < 0.0005
          ? `, level with ${rival.name} (${rival.test.roc_auc.toFixed(3)}).`
          : `, ${diff > 0 ? `${diff.toFixed(3)} above` : `${(-diff).toFixed(3)} below`} ${rival.name} (${rival.test.roc_auc.toFixed(3)}).`
        : '.'),
  );
  if (r.bayes_auc !== null) {
    const captured = (auc - 0.5) / Math.max(1e-9, r.bayes_auc - 0.5);
    out.push(`The data's own noise caps any model at AUC ${r.bayes_auc.toFixed(3)} (true like probabilities); ${best.name} captures ${pct(captured)} of the achievable lift over random.`);
  }
  const t = best.test;
  out.push(
    `At a 0.5 threshold, ${pct(t.precision)} of the movies it recommends are liked (precision) and it finds ${pct(t.recall)} of the movies users like (recall); ` +
      `${pct(t.fpr)} of disliked movies would still be recommended.`,
  );
  const cf = r.collab?.baselines[0];
  if (r.collab && cf) {
    const d = auc - cf.test_auc;
    out.push(
      `Matrix factorization alone (fitted on ${r.collab.target}) reaches test AUC ${cf.test_auc.toFixed(3)}; ${best.name} with the collaborative columns is ` +
        `${d >= 0 ? `${d.toFixed(3)} above` : `${(-d).toFixed(3)} below`} it, and those columns carry ${pct(r.collab.importance_share[best.name] ?? 0)} of its importance.`,
    );
  }
  const top = best.permutation.slice(0, 3).filter((f) => f.value > 0);
  if (top.length) out.push(`Shuffling ${top.map((f) => `${f.name} (-${f.value.toFixed(3)} AUC)`).join(', ')} hurts most: these drive the predictions.`);
  const history = r.error_analysis.bySegment.find((s) => s.dimension.startsWith('user history'));
  if (history && history.segments.length > 1) {
    const first = history.segments[0]!;
    const last = history.segments[history.segments.length - 1]!;
    out.push(
      `Users with ${first.segment} training interactions get ${pct(first.errorRate)} wrong vs ${pct(last.errorRate)} for users with ${last.segment}: ` +
        (first.errorRate > last.errorRate ? 'history matters, so onboarding questions or popularity fallbacks pay off for new users.' : 'the model holds up even for light users.'),
    );
  }
  const genre = r.error_analysis.bySegment.find((s) => s.dimension.includes('genre'));
  if (genre) {
    const big = genre.segments.filter((s) => s.n >= 30);
    const hi = [...big].sort((a, b) => b.likeRate - a.likeRate)[0];
    const lo = [...big].sort((a, b) => a.likeRate - b.likeRate)[0];
    if (hi && lo && hi !== lo) out.push(`${hi.segment} movies are liked most (${pct(hi.likeRate)} of test interactions), ${lo.segment} least (${pct(lo.likeRate)}).`);
  }
  out.push(
    `Calibration error ${t.ece.toFixed(3)} (Brier ${t.brier.toFixed(3)}): ` +
      (t.ece < 0.03 ? 'probabilities can be used as-is for ranking and expected-like estimates.' : 'probabilities are off by more than 3 points on average; calibrate before using them as expected rates.'),
  );
  const fast = [...r.models].sort((a, b) => a.search_seconds - b.search_seconds)[0];
  if (fast && fast.name !== best.name && best.test.roc_auc - fast.test.roc_auc < 0.005)
    out.push(`${fast.name} is within 0.005 AUC of the best and trained ${(best.search_seconds / Math.max(1e-9, fast.search_seconds)).toFixed(1)}x faster: a cheaper option.`);
  return out;
}
