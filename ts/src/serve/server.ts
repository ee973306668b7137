/**
 * The HTTP API over a saved pipeline (native engine): POST /recommend, POST /predict, GET /health,
 * GET /model. Bad input is a 400 with a message naming the field; engine errors keep their code;
 * nothing is a 500 unless it is a bug. Every error body, 404 included, is `{error: {code, message}}`.
 * A connection cannot be held open: an idle socket, a request that takes too long to arrive and an
 * idle keep-alive connection are all closed after bounded times.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { ARTIFACTS_SCHEMA } from '../artifacts/manifest.js';
import type { FittedPipeline } from '../pipeline/serving.js';
import { MlError } from '../engine/errors.js';
import { parseJsonBody } from './body.js';
import { type PredictBody, predictBody, type RecommendBody, recommendBody } from './schemas.js';

const CLIENT_CODES = new Set(['INVALID_ARGUMENT', 'INVALID_PARAM', 'SHAPE_MISMATCH', 'INVALID_DATA']);

/** Milliseconds before the server gives up on a client (defaults below; tests shorten them). */
export interface Timeouts {
  /** A socket with no traffic (e.g. a body that stops arriving). */
  idleMs: number;
  /** A whole request, headers and body (checked by Node every few seconds). */
  requestMs: number;
  /** An idle keep-alive connection between requests. */
  keepAliveMs: number;
}

export const DEFAULT_TIMEOUTS: Timeouts = { idleMs: 10_000, requestMs: 30_000, keepAliveMs: 5_000 };

export function buildServer(pipeline: FittedPipeline, opts: { logger?: boolean; timeouts?: Partial<Timeouts> } = {}): FastifyInstance {
  const t = { ...DEFAULT_TIMEOUTS, ...opts.timeouts };
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: 4 * 1024 * 1024,
    connectionTimeout: t.idleMs,
    requestTimeout: t.requestMs,
    keepAliveTimeout: t.keepAliveMs,
    ajv: { customOptions: { allErrors: false, coerceTypes: false, removeAdditional: false } },
  });
  const started = Date.now();

  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (err) {
      done(err as Error, undefined);
    }
  });

  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({ error: { code: 'INVALID_ARGUMENT', message: `no route ${req.method} ${req.url.slice(0, 200)} (have POST /recommend, POST /predict, GET /health, GET /model)` } }),
  );

  app.setErrorHandler((err: Error & { validation?: unknown; statusCode?: number }, _req, reply) => {
    if (err.validation) {
      return reply.code(400).send({ error: { code: 'INVALID_ARGUMENT', message: err.message } });
    }
    if (err instanceof MlError) {
      return reply.code(CLIENT_CODES.has(err.code) ? 400 : 500).send({ error: { code: err.code, message: err.message } });
    }
    const status = err.statusCode;
    if (status && status >= 400 && status < 500) return reply.code(status).send({ error: { code: 'INVALID_ARGUMENT', message: err.message } });
    return reply.code(500).send({ error: { code: 'INTERNAL', message: err.message } });
  });

  app.get('/health', async () => ({ status: 'ok', uptime_s: (Date.now() - started) / 1000, best_model: pipeline.bestModel }));

  app.get('/model', async () => {
    const p = pipeline;
    return {
      schema: ARTIFACTS_SCHEMA, created: p.created, engine_version: p.engineVersion, best_model: p.bestModel, config: p.config,
      dataset: { source: p.dataset.source, users: p.userCount, movies: p.dataset.movies.n, genres: p.dataset.genres },
      features: p.fitted.names,
      models: p.models.map((x) => ({ name: x.name, kind: x.kind, params: x.params, test_metrics: x.test_metrics })),
    };
  });

  app.post<{ Body: RecommendBody }>('/recommend', { schema: { body: recommendBody } }, async (req) => {
    const b = req.body;
    const r = pipeline.recommend({ userId: b.user_id ?? -1, profile: b.user, movieIds: b.candidates, hour: b.hour, device: b.device, timestamp: b.timestamp, model: b.model, threshold: b.threshold });
    return {
      user_id: b.user_id ?? null,
      model: b.model ?? pipeline.bestModel,
      cold_start_user: r.coldStartUser,
      unknown_movies: r.unknownMovies,
      recommendations: r.predictions.slice(0, b.k).map((p) => ({ movie_id: p.movieId, title: p.title, probability: p.probability, liked: p.liked })),
    };
  });

  app.post<{ Body: PredictBody }>('/predict', { schema: { body: predictBody } }, async (req) => {
    const { items, model } = req.body;
    const scored = pipeline.predictItems(items.map((it) => ({ userId: it.user_id, movieId: it.movie_id, hour: it.hour, device: it.device, timestamp: it.timestamp })), model);
    const predictions = scored.map((s) => ({ user_id: s.userId, movie_id: s.movieId, probability: s.probability, cold_start_user: s.coldStartUser, unknown_movie: s.unknownMovie }));
    return { model: model ?? pipeline.bestModel, predictions };
  });

  return app;
}
