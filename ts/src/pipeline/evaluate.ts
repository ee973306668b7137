/** Held-out evaluation of one model's probabilities: metrics, curves, calibration, error analysis. */
import type { BinaryMetrics, Engine } from '../engine/index.js';

export interface CurvePoint {
  threshold: number;
  fpr: number;
  tpr: number;
  precision: number;
}

export interface CalibrationBin {
  lo: number;
  hi: number;
  count: number;
  meanPredicted: number;
  observedRate: number;
}

export interface Evaluation {
  metrics: BinaryMetrics & { fpr: number; fnr: number; brier: number; ece: number; average_precision: number };
  /** ROC and precision-recall points (at most ~200, by descending threshold). */
  curve: CurvePoint[];
  calibration: CalibrationBin[];
}

/** Threshold sweep over the distinct scores; downsampled to about `maxPoints` points. */
export function curves(y: ArrayLike<number>, p: Float32Array, maxPoints = 200): { curve: CurvePoint[]; averagePrecision: number } {
  const order = Array.from({ length: p.length }, (_, i) => i).sort((a, b) => (p[b] as number) - (p[a] as number));
  let nPos = 0;
  for (let i = 0; i < y.length; i++) nPos += y[i] as number;
  const nNeg = y.length - nPos;
  const all: CurvePoint[] = [{ threshold: 1, fpr: 0, tpr: 0, precision: 1 }];
  let tp = 0;
  let fp = 0;
  let ap = 0;
  let prevRecall = 0;
  for (let i = 0; i < order.length; ) {
    const t = p[order[i] as number] as number;
    while (i < order.length && p[order[i] as number] === t) {
      if (y[order[i] as number] === 1) tp++;
      else fp++;
      i++;
    }
    const recall = nPos ? tp / nPos : 0;
    const precision = tp + fp ? tp / (tp + fp) : 1;
    ap += (recall - prevRecall) * precision;
    prevRecall = recall;
    all.push({ threshold: t, fpr: nNeg ? fp / nNeg : 0, tpr: recall, precision });
  }
  const step = Math.max(1, Math.ceil(all.length / maxPoints));
  const curve = all.filter((_, i) => i % step === 0 || i === all.length - 1);
  return { curve, averagePrecision: ap };
}

/** Ten equal-width probability bins: predicted vs observed like rate; ECE = weighted mean gap. */
export function calibration(y: ArrayLike<number>, p: Float32Array, bins = 10): { bins: CalibrationBin[]; ece: number; brier: number } {
  const count = new Float64Array(bins);
  const sumP = new Float64Array(bins);
  const sumY = new Float64Array(bins);
  let brier = 0;
  for (let i = 0; i < p.length; i++) {
    const b = Math.min(bins - 1, Math.floor((p[i] as number) * bins));
    count[b]! += 1;
    sumP[b]! += p[i] as number;
    sumY[b]! += y[i] as number;
    brier += ((p[i] as number) - (y[i] as number)) ** 2;
  }
  let ece = 0;
  const out: CalibrationBin[] = [];
  for (let b = 0; b < bins; b++) {
    const n = count[b] as number;
    if (n === 0) continue;
    const bin = { lo: b / bins, hi: (b + 1) / bins, count: n, meanPredicted: (sumP[b] as number) / n, observedRate: (sumY[b] as number) / n };
    ece += (n / p.length) * Math.abs(bin.meanPredicted - bin.observedRate);
    out.push(bin);
  }
  return { bins: out, ece, brier: brier / p.length };
}

export function evaluate(engine: Engine, y: Uint8Array, p: Float32Array, threshold = 0.5): Evaluation {
  const m = engine.metrics(y, p, threshold);
  const { curve, averagePrecision } = curves(y, p);
  const cal = calibration(y, p);
  const { tn, fp, fn, tp } = m.confusion;
  return {
    metrics: { ...m, fpr: fp / Math.max(1, fp + tn), fnr: fn / Math.max(1, fn + tp), brier: cal.brier, ece: cal.ece, average_precision: averagePrecision },
    curve,
    calibration: cal.bins,
  };
}
