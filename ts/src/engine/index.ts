export { loadEngine, isBackend } from './load.js';
export { MlError, toMlError } from './errors.js';
export type { ErrorCode } from './errors.js';
export type * from './types.js';
