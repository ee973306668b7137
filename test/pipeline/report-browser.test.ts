/** report.html renders in a real browser: charts, tables and insights present, no console errors. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, it } from 'node:test';
import { loadEngine } from '../../ts/src/engine/index.js';
import { runPipeline } from '../../ts/src/pipeline/job.js';
import { tinyDataset } from '../features/tiny.js';
import { browserUnavailable, launch, pageWithErrors } from '../helpers-browser.js';

const tmp = mkdtempSync(join(tmpdir(), 'mp-report-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('report.html in headless Chromium', { skip: browserUnavailable() ?? false }, () => {
  it('renders every chart, the comparison table and the insights', async () => {
    const out = join(tmp, 'art');
    await runPipeline({ mode: 'demo', seed: 1, source: { kind: 'memory', dataset: tinyDataset(120, 60, 3000, 2, 'genre') }, split: 'random', testFraction: 0.25, out, engine: loadEngine('native') });
    const browser = await launch();
    try {
      const { page, errors } = await pageWithErrors(browser, { width: 1300, height: 900 });
      await page.goto(pathToFileURL(join(out, 'report.html')).href);
      assert.equal(await page.title(), 'moviepref report');
      const svgs = await page.locator('svg').count();
      assert.ok(svgs >= 3 + 3 * 3, `charts: ${svgs}`); // ROC, PR, calibration + per model confusion and two importances
      const rocPaths = await page.locator('svg[aria-label="ROC curves"] path').count();
      assert.equal(rocPaths, 4, 'three models + the random diagonal');
      const rows = await page.locator('#comparison tr').count();
      assert.equal(rows, 1 + 3 + 2, 'header + three models + MF and kNN alone (no Bayes row without true probabilities)');
      assert.equal(await page.locator('#comparison tr.cf').count(), 2, 'the collaborative baselines are marked');
      assert.ok((await page.locator('#insights li').count()) >= 4);
      const box = await page.locator('svg[aria-label="ROC curves"]').boundingBox();
      assert.ok(box && box.width > 300 && box.height > 250, 'the chart is laid out with real size');
      await page.screenshot({ path: join(tmp, 'report.png'), fullPage: true });
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  });
});
