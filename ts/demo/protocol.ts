/** Messages between the page (main.ts) and the engine worker (worker.ts). Plain, structured-cloneable data. */
import type { BinaryMetrics, EngineInfo, ModelInfo } from '../src/engine/types.js';

export type Preset = 'quick' | 'demo';

export type Request =
  | { type: 'train'; preset: Preset; seed: number }
  | { type: 'recommend'; userId: number; hour: number; model: string }
  | { type: 'load-model'; name: string; bytes: ArrayBuffer };

export interface Ranked {
  name: string;
  value: number;
}

export interface ModelResult {
  name: string;
  kind: string;
  metrics: BinaryMetrics;
  /** Mean cross-validated AUC of the chosen configuration. */
  cvAuc: number | null;
  bestParams: Record<string, unknown>;
  /** ROC points as [fpr, tpr]. */
  roc: [number, number][];
  /** Top-10 native importance (gain for trees, |standardized coefficient| for LR), normalized. */
  importance: Ranked[];
  seconds: number;
}

export interface UserOption {
  id: number;
  interactions: number;
}

export interface Results {
  preset: Preset;
  seed: number;
  dataset: { users: number; movies: number; interactions: number; likeRate: number };
  split: { train: number; test: number };
  features: { catalogue: number; kept: number };
  bayes: { auc: number; logLoss: number; roc: [number, number][] } | null;
  models: ModelResult[];
  best: string;
  users: UserOption[];
  /** Wall times in milliseconds. */
  timings: { data: number; features: number; training: number; total: number };
}

export interface Recommendation {
  movieId: number;
  title: string;
  genres: string[];
  year: number;
  imdb: number;
  /** P(like) per model name; the list is ranked by the requested model. */
  p: Record<string, number>;
}

export interface UserProfile {
  id: number;
  age: number;
  gender: string;
  subscription: string;
  favorites: string[];
  /** Distinct movies rated, all ratings, and ratings that were likes. */
  seen: number;
  ratings: number;
  liked: number;
}

export interface LoadedModel {
  name: string;
  info: ModelInfo;
  /** Present when the model's feature count matches the current feature table. */
  test: { auc: number; logLoss: number; accuracy: number; roc: [number, number][] } | null;
  note: string;
}

export type Reply =
  | { type: 'ready'; engine: EngineInfo; ms: number }
  | { type: 'progress'; message: string; step: number; steps: number; ms: number }
  | { type: 'results'; results: Results }
  | { type: 'recommendations'; user: UserProfile; model: string; hour: number; items: Recommendation[]; candidates: number }
  | { type: 'model-loaded'; model: LoadedModel }
  | { type: 'error'; during: Request['type'] | 'init'; code: string; message: string };
