/**
 * Rank-sum (Mann-Whitney) AUC with average ranks for ties: P(score of a positive > score of a negative).
 * Rows whose score is NaN (a missing feature value) are left out.
 */
export function auc(score: ArrayLike<number>, label: ArrayLike<number>): number {
  const order = Uint32Array.from({ length: score.length }, (_, i) => i)
    .filter((i) => !Number.isNaN(score[i] as number))
    .sort((a, b) => (score[a] as number) - (score[b] as number));
  const n = order.length;
  let rankSum = 0;
  let pos = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && score[order[j + 1] as number] === score[order[i] as number]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (label[order[k] as number] === 1) (rankSum += rank), pos++;
    i = j + 1;
  }
  const neg = n - pos;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}
