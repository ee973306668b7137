/** `moviepref serve` as a process: refuses to start on tampered artifacts, and a port in use is a clear IO error. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadEngine } from '../../ts/src/engine/index.js';
import { runPipeline } from '../../ts/src/pipeline/job.js';
import { tinyDataset } from '../features/tiny.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'mp-serve-'));
const good = join(tmp, 'good');
after(() => rmSync(tmp, { recursive: true, force: true }));

before(async () => {
  await runPipeline({ mode: 'demo', seed: 2, source: { kind: 'memory', dataset: tinyDataset(60, 40, 1500, 4, 'genre') }, split: 'random', testFraction: 0.2, out: good, engine: loadEngine('native') });
});

/** `serve` must exit by itself (a refusal) well within the timeout; a server that starts would be killed and fail. */
function serve(args: string[]) {
  const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), join(ROOT, 'ts/src/cli/main.ts'), 'serve', ...args], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.signal, null, `serve did not exit: ${r.stderr}`);
  return { code: r.status, stderr: r.stderr };
}

function copy(name: string, edit: (manifest: Record<string, any>, dir: string) => void): string {
  const dir = join(tmp, name);
  cpSync(good, dir, { recursive: true });
  const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  edit(m, dir);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m));
  return dir;
}

describe('moviepref serve', () => {
  for (const [name, edit, mention] of [
    ['a removed feature', (m: Record<string, any>) => {
      m.features.names.pop();
      m.features.collab?.keep.pop(); // the last column is a collaborative one: keep the two lists aligned
      for (const x of m.models) for (const s of x.preprocessing) s.medians.pop();
    }, /expects \d+ features/],
    ['an LR file under the GBT name', (_m: unknown, d: string) => copyFileSync(join(d, 'models/logistic_regression.mpm'), join(d, 'models/gradient_boosting.mpm')), /gradient_boosting\.mpm: checksum mismatch/],
    ['a model path out of the folder', (m: Record<string, any>) => (m.models[0].file = '../../etc/passwd'), /models\[0\]\.file/],
  ] as const) {
    it(`refuses to start on ${name} (DESERIALIZE, exit 1)`, () => {
      const r = serve(['--model', copy(name.replace(/\W/g, '-'), edit as never), '--port', '0']);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /error \[DESERIALIZE\]/);
      assert.match(r.stderr, mention);
      assert.doesNotMatch(r.stderr, /moviepref API on/);
    });
  }

  it('a port in use is an IO error naming the address, not INTERNAL', async () => {
    const blocker = createServer();
    await new Promise<void>((ok) => blocker.listen(0, '127.0.0.1', ok));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const r = serve(['--model', good, '--port', String(port)]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`error \\[IO\\]: cannot listen on 127\\.0\\.0\\.1:${port}: the port is already in use`));
    } finally {
      blocker.close();
    }
  });
});
