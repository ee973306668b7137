/** Reads an MPDATA01 bench file (see bench/features-export.ts) into column-major Float32Arrays. */
import { readFileSync } from 'node:fs';
import { kindEntry } from '../ts/src/pipeline/kinds.js';
import { applyPreprocessing, fitPreprocessing } from '../ts/src/pipeline/preprocess.js';

export interface MpData {
  nTrain: number;
  nTest: number;
  k: number;
  /** Column-major, nTrain rows (or the first `rows` when asked). */
  x: Float32Array;
  y: Float32Array;
  xTest: Float32Array;
  yTest: Float32Array;
}

export function readMpData(path: string, rows = 0): MpData {
  const buf = readFileSync(path);
  if (buf.length < 32 || buf.toString('latin1', 0, 8) !== 'MPDATA01') throw new Error(`${path}: not an MPDATA01 benchmark file`);
  const head = new DataView(buf.buffer, buf.byteOffset + 8, 24);
  const nAll = Number(head.getBigUint64(0, true));
  const nTest = Number(head.getBigUint64(8, true));
  const k = Number(head.getBigUint64(16, true));
  const need = 32 + 4 * (nAll * (k + 1) + nTest * (k + 2));
  if (buf.length !== need) throw new Error(`${path}: expected ${need} bytes for ${nAll}+${nTest} rows x ${k}, found ${buf.length}`);
  const body = new Float32Array(buf.buffer.slice(buf.byteOffset + 32, buf.byteOffset + buf.length));
  let at = 0;
  const take = (n: number) => body.subarray(at, (at += n));
  const xAll = take(nAll * k);
  const yAll = take(nAll);
  const xTest = take(nTest * k);
  const yTest = take(nTest);
  const nTrain = rows > 0 ? Math.min(rows, nAll) : nAll;
  if (nTrain === nAll) return { nTrain, nTest, k, x: xAll, y: yAll, xTest, yTest };
  const x = new Float32Array(nTrain * k);
  for (let j = 0; j < k; j++) x.set(xAll.subarray(j * nAll, j * nAll + nTrain), j * nTrain);
  return { nTrain, nTest, k, x, y: yAll.slice(0, nTrain), xTest, yTest };
}

/**
 * The preprocessing the pipeline's kind table gives `kind` (e.g. median imputation for logistic
 * regression), fitted on the training rows and applied to train and test alike: the pipeline's own code,
 * so the bench fits what `moviepref run` fits. (bench/js-peers and bench/*.py are out-of-process peers
 * with their own readers and imputation; they never import the TypeScript core.)
 */
export function preprocessFor(kind: string, d: MpData): MpData {
  const steps = fitPreprocessing(kindEntry(kind).preprocessing, d.x, d.nTrain);
  return { ...d, x: applyPreprocessing(steps, d.x, d.nTrain), xTest: applyPreprocessing(steps, d.xTest, d.nTest) };
}
