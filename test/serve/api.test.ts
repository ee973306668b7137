/** The HTTP API: every endpoint, validation errors as 400s, cold start, and concurrent answers equal the CLI's. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadPipeline } from '../../ts/src/artifacts/pipeline.js';
import { loadEngine, type MlError } from '../../ts/src/engine/index.js';
import { runPipeline } from '../../ts/src/pipeline/job.js';
import { buildServer } from '../../ts/src/serve/server.js';
import { cli } from '../cli/cli.test.js';
import { tinyDataset } from '../features/tiny.js';

const tmp = mkdtempSync(join(tmpdir(), 'mp-api-'));
const dir = join(tmp, 'art');
let app: ReturnType<typeof buildServer>;

before(async () => {
  await runPipeline({ mode: 'demo', seed: 5, source: { kind: 'memory', dataset: tinyDataset(100, 60, 3000, 8, 'genre') }, split: 'user-overlap', testFraction: 0.2, out: dir, engine: loadEngine('native') });
  app = buildServer(loadPipeline(dir, { backend: 'native' }));
  await app.ready();
});
after(async () => {
  await app.close();
  rmSync(tmp, { recursive: true, force: true });
});

const post = (url: string, payload: unknown) =>
  typeof payload === 'string'
    ? app.inject({ method: 'POST', url, payload, headers: { 'content-type': 'application/json' } })
    : app.inject({ method: 'POST', url, payload: payload as object });

describe('API', () => {
  it('GET /health and GET /model', async () => {
    const h = await app.inject('/health');
    assert.equal(h.statusCode, 200);
    assert.equal(h.json().status, 'ok');
    const m = (await app.inject('/model')).json();
    assert.equal(m.models.length, 3);
    assert.equal(m.dataset.users, 100);
    assert.ok(m.features.length > 20);
  });

  it('POST /recommend ranks k movies for a known user', async () => {
    const r = await post('/recommend', { user_id: 100, k: 5, hour: 20 });
    assert.equal(r.statusCode, 200);
    const b = r.json();
    assert.equal(b.cold_start_user, false);
    assert.equal(b.recommendations.length, 5);
    const p = b.recommendations.map((x: { probability: number }) => x.probability);
    assert.deepEqual(p, [...p].sort((x: number, y: number) => y - x));
  });

  it('cold start: an unknown user id, or a profile, is served explicitly and the profile matters', async () => {
    const anon = (await post('/recommend', { user_id: 4242, candidates: [500, 501, 502], hour: 12 })).json();
    assert.equal(anon.cold_start_user, true);
    assert.equal(anon.recommendations.length, 3);
    const horror = (await post('/recommend', { user: { favorite_genres: ['Horror'], age: 30 }, candidates: [500, 501, 502, 503, 504, 505], hour: 12, k: 6 })).json();
    const action = (await post('/recommend', { user: { favorite_genres: ['Action'], age: 30 }, candidates: [500, 501, 502, 503, 504, 505], hour: 12, k: 6 })).json();
    assert.notDeepEqual(horror.recommendations, action.recommendations, 'declared favorite genres change the ranking');
    const unknown = (await post('/recommend', { user_id: 100, candidates: [500, 123456] })).json();
    assert.deepEqual(unknown.unknown_movies, [123456]);
    assert.equal(unknown.recommendations.length, 1);
  });

  it('POST /predict scores a batch in one call, flagging unknown ids', async () => {
    const b = (await post('/predict', { items: [{ user_id: 100, movie_id: 500 }, { user_id: 1, movie_id: 501 }, { user_id: 100, movie_id: 7 }] })).json();
    assert.equal(b.predictions.length, 3);
    assert.ok(b.predictions[0].probability > 0 && b.predictions[0].probability < 1);
    assert.equal(b.predictions[1].cold_start_user, true);
    assert.equal(b.predictions[2].unknown_movie, true);
    assert.equal(b.predictions[2].probability, null);
  });

  for (const [name, url, payload, needle] of [
    ['wrong type', '/recommend', { user_id: 'x' }, 'user_id'],
    ['no user at all', '/recommend', { k: 3 }, 'user'],
    ['unknown field', '/recommend', { user_id: 1, kk: 3 }, 'additional'],
    ['k out of range', '/recommend', { user_id: 1, k: 0 }, 'k'],
    ['hour out of range', '/recommend', { user_id: 1, hour: 24 }, 'hour'],
    ['unknown profile category', '/recommend', { user: { gender: 'Q' } }, 'profile.gender'],
    ['unknown genre', '/recommend', { user: { favorite_genres: ['Opera'] } }, 'favorite_genres'],
    ['unknown device', '/recommend', { user_id: 100, device: 'fridge' }, 'device'],
    ['unknown model', '/recommend', { user_id: 100, model: 'svm' }, 'svm'],
    ['empty batch', '/predict', { items: [] }, 'items'],
    ['batch item without movie', '/predict', { items: [{ user_id: 1 }] }, 'movie_id'],
    ['a timestamp before 1970', '/recommend', { user_id: 1, timestamp: -1e308, model: 'logistic_regression' }, 'timestamp'],
    ['a timestamp after year 9999', '/recommend', { user_id: 1, timestamp: 1e308 }, 'timestamp'],
    ['a user id beyond 32 bits', '/recommend', { user_id: 1e300 }, 'user_id'],
    ['a candidate id beyond 32 bits', '/recommend', { user_id: 1, candidates: [1, 2 ** 31] }, 'candidates'],
    ['a batch movie id beyond 32 bits', '/predict', { items: [{ user_id: 1, movie_id: -(2 ** 31) - 1 }] }, 'movie_id'],
    ['a batch timestamp out of range', '/predict', { items: [{ user_id: 1, movie_id: 500, timestamp: 1e20 }] }, 'timestamp'],
    ['an overlong device name', '/recommend', { user_id: 1, device: 'x'.repeat(101) }, 'device'],
    ['a __proto__ key', '/recommend', '{"user_id": 1, "__proto__": {"polluted": true}}', 'forbidden key at body.__proto__'],
    ['a constructor.prototype key', '/predict', '{"items": [{"user_id": 1, "movie_id": 2, "constructor": {"prototype": {"x": 1}}}]}', 'forbidden key at body.items[0].constructor'],
    ['an empty body', '/recommend', '', 'empty'],
  ] as const) {
    it(`400 for ${name}`, async () => {
      const r = await post(url, payload);
      assert.equal(r.statusCode, 400, r.body);
      const e = r.json().error;
      assert.equal(e.code, 'INVALID_ARGUMENT');
      assert.ok(e.message.includes(needle), `${e.message} should mention ${needle}`);
    });
  }

  it('malformed JSON is a 400 saying where, not a 500', async () => {
    const r = await post('/recommend', '{bad');
    assert.equal(r.statusCode, 400);
    assert.match(r.json().error.message, /not valid JSON: .*position 1/);
  });

  it('an unknown route is a 404 in the {error: {code, message}} shape', async () => {
    for (const r of [await app.inject('/nope'), await post('/recommend/x', { user_id: 1 })]) {
      assert.equal(r.statusCode, 404);
      assert.deepEqual(Object.keys(r.json()), ['error']);
      assert.equal(r.json().error.code, 'INVALID_ARGUMENT');
      assert.match(r.json().error.message, /no route (GET \/nope|POST \/recommend\/x)/);
    }
  });

  it('the library refuses a timestamp out of range too (no NON_FINITE from the engine)', () => {
    const p = loadPipeline(dir, { backend: 'native' });
    assert.throws(() => p.recommend({ userId: 100, timestamp: -1e308, model: 'logistic_regression' }), (e: MlError) => e.code === 'INVALID_ARGUMENT' && /timestamp/.test(e.message));
  });

  it('a request whose body never completes is dropped after the idle timeout', async () => {
    const slow = buildServer(loadPipeline(dir, { backend: 'native' }), { timeouts: { idleMs: 300, requestMs: 1000 } });
    await slow.listen({ port: 0, host: '127.0.0.1' });
    try {
      const { port } = slow.server.address() as AddressInfo;
      const t0 = performance.now();
      const answer = await new Promise<string>((resolve, reject) => {
        const sock = connect(port, '127.0.0.1', () => sock.write('POST /recommend HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"user_id": 1'));
        let got = '';
        sock.on('data', (d) => (got += d));
        sock.on('close', () => resolve(got));
        sock.on('error', reject);
        setTimeout(() => reject(new Error('the server kept the connection open')), 4000).unref();
      });
      assert.ok(performance.now() - t0 < 3000, `closed after ${performance.now() - t0} ms`);
      assert.ok(answer === '' || /^HTTP\/1\.1 408/.test(answer), answer);
    } finally {
      await slow.close();
    }
  });

  it('concurrent requests over HTTP give the same answers as the CLI predict', async () => {
    const AT = 1_700_000_000; // a fixed moment: time features (tenure, movie age) must match exactly
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const users = [100, 101, 102, 103];
    const movies = [500, 501, 502, 503, 504];
    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        fetch(`${address}/recommend`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user_id: users[i % 4], candidates: movies, hour: 21, k: 5, timestamp: AT }) }).then((r) => r.json()),
      ),
    );
    for (const u of users) {
      const viaCli = JSON.parse(cli(['predict', '--model', dir, '--user', String(u), '--movies', movies.join(','), '--hour', '21', '--timestamp', String(AT), '--json']).stdout);
      const expect = viaCli.predictions.map((p: { movieId: number; probability: number }) => [p.movieId, p.probability]);
      for (const [i, r] of responses.entries()) {
        if (users[i % 4] !== u) continue;
        assert.deepEqual(r.recommendations.map((p: { movie_id: number; probability: number }) => [p.movie_id, p.probability]), expect);
      }
    }
  });
});
