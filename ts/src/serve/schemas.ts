/**
 * JSON schemas of the API: Fastify validates every body with them and answers 400 naming the field.
 * Every number is bounded (ids and timestamps by REQUEST_LIMITS, shared with the CLI), every string
 * and array has a maximum length.
 */
import { REQUEST_LIMITS } from '../pipeline/serving.js';

const id = { type: 'integer', minimum: REQUEST_LIMITS.id.min, maximum: REQUEST_LIMITS.id.max } as const;
const name = { type: 'string', maxLength: 100 } as const;

const profile = {
  type: 'object',
  additionalProperties: false,
  properties: {
    age: { type: 'number', minimum: 0, maximum: 130 },
    gender: name,
    region: name,
    subscription: name,
    occupation: name,
    favorite_genres: { type: 'array', items: name, maxItems: 32 },
    activity_level: { type: 'number', minimum: 0, maximum: 1 },
    signup_date: { type: 'string', maxLength: 40 },
  },
} as const;

const context = {
  hour: { type: 'integer', minimum: REQUEST_LIMITS.hour.min, maximum: REQUEST_LIMITS.hour.max },
  device: name,
  timestamp: { type: 'number', minimum: REQUEST_LIMITS.timestamp.min, maximum: REQUEST_LIMITS.timestamp.max, description: 'seconds since epoch (1970 to the end of 9999)' },
  model: { ...name, description: 'saved model name (default: the best model)' },
} as const;

export const recommendBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    user_id: id,
    user: profile,
    candidates: { type: 'array', items: id, minItems: 1, maxItems: 5000 },
    k: { type: 'integer', minimum: 1, maximum: 5000, default: 10 },
    threshold: { type: 'number', minimum: 0, maximum: 1, default: 0.5 },
    ...context,
  },
  anyOf: [{ required: ['user_id'] }, { required: ['user'] }],
} as const;

export const predictBody = {
  type: 'object',
  additionalProperties: false,
  required: ['items'],
  properties: {
    items: {
      type: 'array',
      minItems: 1,
      maxItems: 10000,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['user_id', 'movie_id'],
        properties: { user_id: id, movie_id: id, hour: context.hour, device: context.device, timestamp: context.timestamp },
      },
    },
    model: context.model,
  },
} as const;

export interface RecommendBody {
  user_id?: number;
  user?: import('../pipeline/cold.js').UserProfile;
  candidates?: number[];
  k: number;
  threshold: number;
  hour?: number;
  device?: string;
  timestamp?: number;
  model?: string;
}

export interface PredictBody {
  items: { user_id: number; movie_id: number; hour?: number; device?: string; timestamp?: number }[];
  model?: string;
}
