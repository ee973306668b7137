/**
 * The browser demo (ts/demo), built with Vite and served statically: trains in headless Chromium,
 * shows real AUCs next to the Bayes-optimal one, ranks movies for a user and reads a CLI model file.
 * Also: the browser wasm loader recovers from an engine panic with a fresh instance.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { SIZES } from '../../ts/src/data/synth.js';
import { loadEngine, MlError } from '../../ts/src/engine/index.js';
import { loadWasmWeb } from '../../ts/src/engine/wasm-web.js';
import { runPipeline } from '../../ts/src/pipeline/job.js';
import { browserUnavailable, launch, pageWithErrors } from '../helpers-browser.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'mp-demo-'));
const dist = join(tmp, 'dist');
const TRAIN_TIMEOUT_MS = 120_000;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
};

/** A tiny static server for `dir` on an ephemeral 127.0.0.1 port. */
function serve(dir: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = normalize(join(dir, path.endsWith('/') ? `${path}index.html` : path));
    if (!file.startsWith(dir + sep)) return void res.writeHead(403).end();
    try {
      if (!statSync(file).isFile()) throw new Error('not a file');
      res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` })));
}

let server: Server | null = null;
let base = '';

before(async () => {
  const vite = join(root, 'node_modules/vite/bin/vite.js');
  const r = spawnSync(process.execPath, [vite, 'build', '--config', 'ts/demo/vite.config.ts', '--outDir', dist, '--emptyOutDir', '--logLevel', 'warn'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, `vite build failed:\n${r.stdout}\n${r.stderr}`);
  ({ server, url: base } = await serve(dist));
});

after(() => {
  server?.close();
  if (!process.env.MP_KEEP_DEMO_TMP) rmSync(tmp, { recursive: true, force: true });
});

const wasmAsset = (): string => {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  assert.ok(html.includes('assets/'), 'the page references bundled assets');
  const files = spawnSync('ls', [join(dist, 'assets')], { encoding: 'utf8' }).stdout.split('\n');
  const wasm = files.find((f) => f.endsWith('.wasm'));
  assert.ok(wasm, `the build emits the .wasm engine (assets: ${files.join(', ')})`);
  return `${base}assets/${wasm}`;
};

describe('wasm-web loader', () => {
  it('loads from a URL and survives an engine panic with a fresh instance', async () => {
    const engine = await loadWasmWeb(wasmAsset());
    assert.equal(engine.backend, 'wasm');
    assert.ok(engine.info().models.length >= 3);
    assert.throws(() => engine.debugPanic(), (e: unknown) => e instanceof MlError && e.code === 'INTERNAL' && /panicked/.test(e.message));
    const m = engine.metrics(Uint8Array.of(0, 1, 0, 1), Float32Array.of(0.1, 0.9, 0.2, 0.8));
    assert.equal(m.roc_auc, 1, 'the engine still works after the panic');
  });
});

describe('browser demo in headless Chromium', { skip: browserUnavailable() ?? false }, () => {
  it('trains the three models, shows Bayes AUC, ranks movies for a user, reads a model file', { timeout: 4 * TRAIN_TIMEOUT_MS }, async () => {
    // A CLI run with the demo's defaults (seed 42, user-overlap split, 20% test): its model file has the
    // same features as the page's table, so the page can score it on its own test set.
    const art = join(tmp, 'artifacts');
    await runPipeline({ mode: 'demo', seed: 42, source: { kind: 'synthetic', ...SIZES.demo, seed: 42 }, split: 'user-overlap', testFraction: 0.2, out: art, engine: loadEngine('native') });

    const browser = await launch();
    try {
      const { page, errors } = await pageWithErrors(browser, { width: 1400, height: 1000 });
      await page.goto(base);
      assert.equal(await page.title(), 'moviepref demo');
      await page.waitForSelector('#train:not([disabled])', { timeout: 30_000 });
      assert.match((await page.textContent('#engine')) ?? '', /ready in/);

      await page.selectOption('#preset', 'demo');
      const t0 = Date.now();
      await page.click('#train');
      await page.waitForSelector('#comparison tbody tr[data-model]', { timeout: TRAIN_TIMEOUT_MS });
      const wallMs = Date.now() - t0;

      const aucs = await page.$$eval('#comparison tbody tr[data-model]', (rows) => rows.map((r) => [(r as HTMLElement).dataset.model, Number((r.querySelector('td.auc') as HTMLElement).dataset.value)] as const));
      assert.deepEqual(aucs.map(([n]) => n).sort(), ['gradient_boosting', 'logistic_regression', 'random_forest']);
      for (const [name, auc] of aucs) assert.ok(auc > 0.5 && auc <= 1, `${name} AUC ${auc}`);
      const bayes = Number(await page.getAttribute('#bayes-auc', 'data-value'));
      assert.ok(bayes > 0.5 && bayes <= 1, `Bayes AUC ${bayes}`);
      assert.equal(await page.locator('#comparison td.bayes').count(), 3, 'Bayes AUC next to each model');
      assert.equal(await page.locator('svg[aria-label="ROC curves"] path[data-series]').count(), 4, 'three models + Bayes');
      const summary = (await page.textContent('#summary')) ?? '';

      // Pick a user: ten ranked unseen movies with P(like), highest first.
      const users = await page.$$eval('#user option', (o) => o.map((x) => (x as HTMLOptionElement).value));
      assert.ok(users.length > 10);
      await page.selectOption('#user', users[3]!);
      await page.waitForFunction((id) => document.querySelector('#profile')?.textContent?.startsWith(`User ${id}:`), users[3]!, { timeout: 10_000 });
      const ps = await page.$$eval('#recs td.p', (c) => c.map((x) => Number((x as HTMLElement).dataset.value)));
      assert.equal(ps.length, 10);
      for (const p of ps) assert.ok(p >= 0 && p <= 1);
      assert.deepEqual(ps, [...ps].sort((a, b) => b - a), 'ranked by P(like)');

      // The CLI's model file: info shown, and scored on the page's test set.
      await page.setInputFiles('#model-file', join(art, 'models', 'gradient_boosting.mpm'));
      await page.waitForSelector('#loaded dl', { timeout: 10_000 });
      const loaded = (await page.textContent('#loaded')) ?? '';
      assert.match(loaded, /Kindgbt/);
      const pageGbt = aucs.find(([n]) => n === 'gradient_boosting')![1];
      const fileAuc = Number(/Test AUC([\d.]+)/.exec(loaded)?.[1]);
      assert.ok(Math.abs(fileAuc - pageGbt) < 0.02, `CLI model AUC ${fileAuc} on the page's test set vs the page's own GBDT ${pageGbt}`);

      const shot = join(tmpdir(), `moviepref-demo-${process.pid}.png`);
      await page.screenshot({ path: shot, fullPage: true });
      console.log(`demo: trained in ${(wallMs / 1000).toFixed(1)} s (wall, demo size); ${summary}`);
      console.log(`demo screenshot: ${shot}`);
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  });
});
