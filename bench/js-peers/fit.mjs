/**
 * Fits one npm ML library (a "JS peer") on an MPDATA01 benchmark file and prints exactly one JSON line on stdout.
 *
 *   node bench/js-peers/fit.mjs --data FILE --lib ml-random-forest|ml-logistic-regression|ml-xgboost
 *        [--rows N] [--trees 100] [--depth 6] [--seed 42] [--steps 100]
 *
 * The libraries live in bench/js-peers/node_modules (installed by bench/js-peers.ts → ensureJsPeers()), not in the
 * project's package.json. They are CommonJS, so they are loaded with createRequire.
 *
 * None of them accepts NaN, so missing values are replaced by the training-column median before fitting (outside the
 * timed region, like the Python peers' nan_to_num); the output says "imputed": true when any value was replaced.
 *
 * Exit codes: 0 ok; 1 the library failed (a JSON line with "error" is still printed); 2 usage / input-file error.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { endianness } from 'node:os';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const LIBS = ['ml-random-forest', 'ml-logistic-regression', 'ml-xgboost'];
const MAGIC = 'MPDATA01';

// Everything a library (or emscripten) logs goes to stderr: stdout carries only the result line.
const stdoutWrite = (line) => process.stdout.write(`${line}\n`);
console.log = (...a) => console.error(...a);
console.info = (...a) => console.error(...a);

class UsageError extends Error {}

function usage(msg) {
  throw new UsageError(msg);
}

// ---------------------------------------------------------------- arguments

function parseCli(argv) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        data: { type: 'string' },
        lib: { type: 'string' },
        rows: { type: 'string', default: '0' },
        trees: { type: 'string', default: '100' },
        depth: { type: 'string', default: '6' },
        seed: { type: 'string', default: '42' },
        steps: { type: 'string', default: '100' },
      },
    }));
  } catch (err) {
    usage(err.message);
  }
  if (!values.data) usage('missing --data FILE');
  if (!values.lib) usage(`missing --lib (one of ${LIBS.join(', ')})`);
  if (!LIBS.includes(values.lib)) usage(`unknown --lib ${values.lib} (expected one of ${LIBS.join(', ')})`);
  const int = (name, min) => {
    const s = values[name];
    if (!/^\d+$/.test(s) || Number(s) < min || !Number.isSafeInteger(Number(s))) usage(`--${name} must be an integer >= ${min}, got "${s}"`);
    return Number(s);
  };
  return {
    data: values.data,
    lib: values.lib,
    rows: int('rows', 0),
    trees: int('trees', 1),
    depth: values.lib === 'ml-logistic-regression' ? int('depth', 0) : int('depth', 1), // LR ignores it (callers pass 0)
    seed: int('seed', 0),
    steps: int('steps', 1),
  };
}

// ---------------------------------------------------------------- MPDATA01 reader

function readData(path, rows) {
  let buf;
  try {
    buf = readFileSync(path);
  } catch (err) {
    usage(`cannot read --data ${path}: ${err.code ?? err.message}`);
  }
  if (buf.length < 32 || buf.toString('latin1', 0, 8) !== MAGIC) usage(`${path}: not an MPDATA01 benchmark file (bad magic)`);
  if (endianness() !== 'LE') usage('this reader assumes a little-endian host');
  const nTrainBig = buf.readBigUInt64LE(8);
  const nTestBig = buf.readBigUInt64LE(16);
  const kBig = buf.readBigUInt64LE(24);
  const limit = BigInt(Number.MAX_SAFE_INTEGER);
  if (nTrainBig > limit || nTestBig > limit || kBig > limit) usage(`${path}: header sizes are absurd`);
  const nTrain = Number(nTrainBig);
  const nTest = Number(nTestBig);
  const k = Number(kBig);
  if (nTrain < 2 || nTest < 1 || k < 1) usage(`${path}: header says n_train=${nTrain}, n_test=${nTest}, n_features=${k}; need n_train>=2, n_test>=1, n_features>=1`);
  const withoutP = nTrain * k + nTrain + nTest * k + nTest; // p_test is optional for us (we never read it)
  const floats = (buf.length - 32) / 4;
  if (floats !== withoutP && floats !== withoutP + nTest) {
    usage(`${path}: truncated or wrong size: ${buf.length} bytes, header (n_train=${nTrain}, n_test=${nTest}, n_features=${k}) needs ${32 + 4 * (withoutP + nTest)}`);
  }
  // Copy the body so the Float32Array is 4-byte aligned whatever the Buffer's offset.
  const body = new Float32Array(buf.buffer.slice(buf.byteOffset + 32, buf.byteOffset + 32 + 4 * withoutP));
  let at = 0;
  const take = (n) => body.subarray(at, (at += n));
  const xTrainAll = take(nTrain * k);
  const yTrainAll = take(nTrain);
  const xTest = take(nTest * k);
  const yTest = take(nTest);
  const n = rows > 0 ? Math.min(rows, nTrain) : nTrain;
  const checkLabels = (y, what) => {
    for (let i = 0; i < y.length; i++) if (y[i] !== 0 && y[i] !== 1) usage(`${path}: ${what}[${i}] = ${y[i]}, labels must be 0 or 1`);
  };
  const yTrain = yTrainAll.slice(0, n);
  checkLabels(yTrain, 'y_train');
  checkLabels(yTest, 'y_test');
  let pos = 0;
  for (let i = 0; i < n; i++) pos += yTrain[i];
  if (pos === 0 || pos === n) usage(`${path}: the first ${n} training rows contain a single class; need both 0 and 1`);
  // Column-major → column arrays of the kept rows.
  const trainCols = [];
  const testCols = [];
  for (let j = 0; j < k; j++) {
    trainCols.push(xTrainAll.slice(j * nTrain, j * nTrain + n));
    testCols.push(xTest.slice(j * nTest, (j + 1) * nTest));
  }
  return { n, nTest, k, trainCols, testCols, yTrain, yTest };
}

/** Replaces NaN with the training-column median (0 when the whole column is missing). Returns true when anything changed. */
function imputeMedian(trainCols, testCols) {
  let replaced = false;
  for (let j = 0; j < trainCols.length; j++) {
    const tr = trainCols[j];
    const te = testCols[j];
    const present = tr.filter((v) => !Number.isNaN(v)).sort();
    if (present.length === tr.length && !te.some(Number.isNaN)) continue;
    const m = present.length;
    const median = m === 0 ? 0 : m % 2 ? present[(m - 1) / 2] : (present[m / 2 - 1] + present[m / 2]) / 2;
    for (const col of [tr, te]) {
      for (let i = 0; i < col.length; i++) {
        if (Number.isNaN(col[i])) {
          col[i] = median;
          replaced = true;
        }
      }
    }
  }
  return replaced;
}

/** Row-major array of plain number arrays (the input format of the ml.js libraries). */
function toRows(cols, n) {
  const k = cols.length;
  const rows = new Array(n);
  for (let i = 0; i < n; i++) {
    const r = new Array(k);
    for (let j = 0; j < k; j++) r[j] = cols[j][i];
    rows[i] = r;
  }
  return rows;
}

// ---------------------------------------------------------------- metrics

/** Rank-based ROC AUC (Mann–Whitney U), tied scores get their average rank. null when a class is absent. */
function rocAuc(y, p) {
  const n = y.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => p[a] - p[b]);
  let nPos = 0;
  let rankSumPos = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && p[idx[j + 1]] === p[idx[i]]) j++;
    const avgRank = (i + j) / 2 + 1; // ranks are 1-based
    for (let t = i; t <= j; t++) {
      if (y[idx[t]] === 1) {
        nPos++;
        rankSumPos += avgRank;
      }
    }
    i = j + 1;
  }
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) return null;
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

function logLoss(y, p) {
  let s = 0;
  for (let i = 0; i < y.length; i++) {
    const q = Math.min(Math.max(p[i], 1e-15), 1 - 1e-15);
    s -= y[i] === 1 ? Math.log(q) : Math.log(1 - q);
  }
  return s / y.length;
}

// ---------------------------------------------------------------- memory (same approach as bench/peers.py)

function statusMb(field) {
  try {
    const line = readFileSync('/proc/self/status', 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${field}:`));
    return line ? Number(line.split(/\s+/)[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Resets VmHWM to the current RSS ("5" → clear_refs); false when the kernel / sandbox refuses. */
function resetPeak() {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------- the three libraries

function version(lib) {
  return require(`${lib}/package.json`).version;
}

/**
 * Each runner gets the imputed column arrays and returns { fit(): void, predict(): Float64Array|number[], notes: string[] }.
 * Conversion to the library's input format happens in the runner's setup, outside the timed fit.
 */
const RUNNERS = {
  'ml-random-forest'(d, a) {
    const { RandomForestClassifier } = require('ml-random-forest');
    const x = toRows(d.trainCols, d.n);
    const y = Array.from(d.yTrain);
    const xt = toRows(d.testCols, d.nTest);
    // maxFeatures: a fraction in (0, 1] is turned into floor(k * fraction) features; aim at floor(sqrt(k)) exactly.
    const m = Math.max(1, Math.floor(Math.sqrt(d.k)));
    const maxFeatures = Math.min(1, m === Math.floor(d.k * (Math.sqrt(d.k) / d.k)) ? Math.sqrt(d.k) / d.k : (m + 0.5) / d.k);
    const notes = [
      `maxFeatures=${maxFeatures.toFixed(4)} (${m} of ${d.k} features), sampled once per tree with replacement (library design), not per split`,
      'noOOB=true (out-of-bag scoring is not part of the fit being compared)',
      'ml-cart tree defaults: minNumSamples=3, gainThreshold=0.01; split search is quadratic in node size',
      'probabilities = predictProbability(x, 1) = share of tree votes; in 2.1.0 its reduce() has no initial value so the first tree\'s vote is effectively dropped',
    ];
    let model;
    return {
      notes,
      fit() {
        model = new RandomForestClassifier({
          nEstimators: a.trees,
          maxFeatures,
          treeOptions: { maxDepth: a.depth },
          seed: a.seed,
          useSampleBagging: true,
          noOOB: true,
        });
        model.train(x, y);
      },
      predict() {
        if (typeof model.predictProbability === 'function') return model.predictProbability(xt, 1);
        notes.push('no predictProbability: vote share computed from predictionValues()');
        const votes = model.predictionValues(xt);
        return Array.from({ length: votes.rows }, (_, i) => votes.getRow(i).filter((v) => v === 1).length / votes.columns);
      },
    };
  },

  'ml-logistic-regression'(d, a) {
    const LogisticRegression = require('ml-logistic-regression');
    const { Matrix } = require('ml-matrix'); // the copy ml-logistic-regression resolves (hoisted)
    const x = new Matrix(toRows(d.trainCols, d.n));
    const y = Matrix.columnVector(Array.from(d.yTrain));
    const xt = new Matrix(toRows(d.testCols, d.nTest));
    const notes = [
      `features standardized (train mean/sd) and a constant 1 column appended: the library has no intercept term`,
      `batch gradient ascent, numSteps=${a.steps}, learningRate=4/lambda_max(X'X) (the library sums, not averages, the gradient)`,
      'binary training still fits two one-vs-all models (2x cost); probability = classifiers[0].testScores(x) = sigmoid(w.x) for class 1',
    ];
    let model;
    let mean;
    let sd;
    const standardize = (X) => {
      const out = new Matrix(X.rows, X.columns + 1);
      for (let i = 0; i < X.rows; i++) {
        for (let j = 0; j < X.columns; j++) out.set(i, j, (X.get(i, j) - mean[j]) / sd[j]);
        out.set(i, X.columns, 1);
      }
      return out;
    };
    return {
      notes,
      fit() {
        mean = x.mean('column');
        sd = x.standardDeviation('column', { mean, unbiased: false }).map((s) => (s > 0 ? s : 1));
        const xs = standardize(x);
        const lr = 4 / lambdaMax(xs);
        model = new LogisticRegression({ numSteps: a.steps, learningRate: lr });
        model.train(xs, y);
      },
      predict() {
        const clf = model.classifiers?.[0];
        if (model.numberClasses !== 2 || typeof clf?.testScores !== 'function') {
          notes.push('AUC from hard labels: the model exposes no class-1 scores');
          return model.predict(standardize(xt));
        }
        // One-vs-all: classifier 0 was trained on (y == 0 ? 0 : 1), i.e. it models P(y = 1).
        return clf.testScores(standardize(xt));
      },
    };
  },

  async 'ml-xgboost'(d, a) {
    let XGBoost;
    let wasm;
    try {
      XGBoost = await require('ml-xgboost'); // module.exports is a Promise of the class (emscripten runtime init)
      wasm = require('ml-xgboost/dist/wasm/xgboost.js'); // the same emscripten Module instance the class uses
    } catch (err) {
      throw new Error(`ml-xgboost failed to load its emscripten/wasm build under node ${process.version}: ${err?.message ?? err}`);
    }
    const { n, k } = d;
    const xRowMajor = new Float32Array(n * k);
    for (let j = 0; j < k; j++) {
      const c = d.trainCols[j];
      for (let i = 0; i < n; i++) xRowMajor[i * k + j] = c[i];
    }
    const x = toRows(d.trainCols, n);
    const y = Array.from(d.yTrain);
    const xt = toRows(d.testCols, d.nTest);
    const params = {
      booster: 'gbtree',
      objective: 'binary:logistic',
      max_depth: a.depth,
      eta: 0.1,
      min_child_weight: 1,
      subsample: 1, // library default is 0.5; the other GBDTs in the bench do not subsample
      colsample_bytree: 1,
      lambda: 1,
      seed: a.seed,
      silent: 1,
      iterations: a.trees,
    };
    const notes = ['xgboost (2017 emscripten build) default tree_method, single-threaded wasm; subsample=1 (library default 0.5)'];
    // booster.train() passes the data through cwrap('array'), which copies it onto the 5 MiB emscripten stack and
    // crashes ("memory access out of bounds") above ~5 MB of features+labels. Bigger data go through _malloc instead,
    // calling the same C functions train() calls (create_model, set_param, train_full_model).
    const STACK_SAFE_BYTES = 4 * 1024 * 1024;
    const viaHeap = (n * k + n) * 4 > STACK_SAFE_BYTES;
    if (viaHeap) notes.push('data passed via _malloc: the library\'s train() overflows its 5 MiB stack at this size');
    let booster;
    return {
      notes,
      fit() {
        booster = new XGBoost(params);
        if (!viaHeap) {
          booster.train(x, y);
          return;
        }
        const px = wasm._malloc(xRowMajor.byteLength);
        const py = wasm._malloc(n * 4);
        if (!px || !py) throw new Error('wasm _malloc failed');
        wasm.HEAPF32.set(xRowMajor, px >> 2);
        wasm.HEAPF32.set(Float32Array.from(y), py >> 2);
        booster.model = wasm._create_model(px, py, n, k); // copies into a DMatrix
        wasm._free(px);
        wasm._free(py);
        const setParam = wasm.cwrap('set_param', null, ['number', 'string', 'string']);
        for (const [key, value] of Object.entries(booster.options)) if (key !== 'iterations') setParam(booster.model, key, value);
        wasm._train_full_model(booster.model, booster.options.iterations);
      },
      predict() {
        const p = booster.predict(xt); // binary:logistic → probability of class 1
        booster.free();
        return p;
      },
    };
  },
};

/** Largest eigenvalue of X'X by power iteration (for a stable gradient step). */
function lambdaMax(X) {
  const n = X.rows;
  const k = X.columns;
  const data = X.to1DArray();
  let v = new Float64Array(k).fill(1 / Math.sqrt(k));
  let lambda = 0;
  const xv = new Float64Array(n);
  for (let it = 0; it < 50; it++) {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < k; j++) s += data[i * k + j] * v[j];
      xv[i] = s;
    }
    const w = new Float64Array(k);
    for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) w[j] += data[i * k + j] * xv[i];
    const norm = Math.hypot(...w);
    if (!(norm > 0)) break;
    const prev = lambda;
    lambda = norm; // ||X'X v|| with ||v|| = 1
    v = w.map((t) => t / norm);
    if (Math.abs(lambda - prev) < 1e-6 * lambda) break;
  }
  return lambda * 1.01;
}

// ---------------------------------------------------------------- main

async function main() {
  const a = parseCli(process.argv.slice(2));
  const d = readData(a.data, a.rows);
  const imputed = imputeMedian(d.trainCols, d.testCols);
  let ver = null;
  try {
    ver = version(a.lib);
  } catch {
    // reported below by the runner's require failing
  }
  let runner;
  let fitS;
  let predS;
  let p;
  let before;
  let peak = null;
  let reset = false;
  try {
    runner = await RUNNERS[a.lib](d, a);
    before = statusMb('VmRSS');
    reset = resetPeak();
    let t = performance.now();
    runner.fit();
    fitS = (performance.now() - t) / 1000;
    peak = reset ? statusMb('VmHWM') : null;
    t = performance.now();
    p = Array.from(runner.predict(), Number);
    predS = (performance.now() - t) / 1000;
  } catch (err) {
    const msg = err?.code === 'MODULE_NOT_FOUND'
      ? `${a.lib} or one of its dependencies is not installed in bench/js-peers/node_modules (run: npm ci --prefix bench/js-peers): ${String(err.message).split('\n')[0]}`
      : `${a.lib} failed: ${err?.message ?? String(err)}`;
    process.stderr.write(`${msg}\n`);
    stdoutWrite(JSON.stringify({ engine: a.lib, version: ver, error: msg }));
    process.exit(1);
  }
  const yTest = Array.from(d.yTest);
  if (p.length !== yTest.length || p.some((v) => !Number.isFinite(v))) {
    const msg = `${a.lib} returned ${p.length} predictions for ${yTest.length} test rows (or non-finite values)`;
    process.stderr.write(`${msg}\n`);
    stdoutWrite(JSON.stringify({ engine: a.lib, version: ver, error: msg }));
    process.exit(1);
  }
  const out = {
    engine: a.lib,
    version: ver,
    threads: 1,
    n_train: d.n,
    n_features: d.k,
    fit_seconds: fitS,
    predict_seconds: predS,
    test_auc: rocAuc(yTest, p),
    test_logloss: logLoss(yTest, p),
    rss_before_fit_mb: before,
    rss_peak_fit_mb: peak,
    fit_extra_mb: peak !== null && before !== null ? peak - before : null,
    imputed,
  };
  if (runner.notes.length) out.note = runner.notes.join('; ');
  stdoutWrite(JSON.stringify(out));
  // emscripten keeps no handles open, but do not wait for stray timers either.
  process.exit(0);
}

main().catch((err) => {
  if (err instanceof UsageError) {
    process.stderr.write(`fit.mjs: ${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`fit.mjs: ${err?.message ?? String(err)}\n`);
  process.exit(1);
});
