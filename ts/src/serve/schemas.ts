/** JSON schemas of the API: Fastify validates every body with them and answers 400 naming the field. */

const profile = {
  type: 'object',
  additionalProperties: false,
  properties: {
    age: { type: 'number', minimum: 0, maximum: 130 },
    gender: { type: 'string' },
    region: { type: 'string' },
    subscription: { type: 'string' },
    occupation: { type: 'string' },
    favorite_genres: { type: 'array', items: { type: 'string' }, maxItems: 32 },
    activity_level: { type: 'number', minimum: 0, maximum: 1 },
    signup_date: { type: 'string', maxLength: 40 },
  },
} as const;

const context = {
  hour: { type: 'integer', minimum: 0, maximum: 23 },
  device: { type: 'string' },
  timestamp: { type: 'number', description: 'seconds since epoch' },
  model: { type: 'string', description: 'saved model name (default: the best model)' },
} as const;

export const recommendBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    user_id: { type: 'integer' },
    user: profile,
    candidates: { type: 'array', items: { type: 'integer' }, minItems: 1, maxItems: 5000 },
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
        properties: { user_id: { type: 'integer' }, movie_id: { type: 'integer' }, hour: context.hour, device: context.device, timestamp: context.timestamp },
      },
    },
    model: context.model,
  },
} as const;

export interface RecommendBody {
  user_id?: number;
  user?: import('../artifacts/cold.js').UserProfile;
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
