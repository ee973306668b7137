/** One error type for everything the engine (either backend) or the TS shell reports. */

/** Codes raised by the Rust engine (mp_core::ErrorCode), identical on both backends. */
export const ENGINE_CODES = [
  'INVALID_PARAM',
  'SHAPE_MISMATCH',
  'EMPTY_DATA',
  'INVALID_LABEL',
  'EMPTY_CLASS',
  'NON_FINITE',
  'DESERIALIZE',
  'NOT_FITTED',
  'INTERNAL',
] as const;

/** Codes raised by the TS shell itself. INVALID_DATA: an input file's content (names file, row, column). */
export const SHELL_CODES = ['INVALID_ARGUMENT', 'INVALID_DATA', 'BACKEND_UNAVAILABLE', 'IO'] as const;

export type ErrorCode = (typeof ENGINE_CODES)[number] | (typeof SHELL_CODES)[number];

const KNOWN = new Set<string>([...ENGINE_CODES, ...SHELL_CODES]);

export class MlError extends Error {
  override readonly name = 'MlError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Turns whatever a backend threw into an MlError; callers branch on `code`, never on message text. */
export function toMlError(err: unknown, backend: string): MlError {
  if (err instanceof MlError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  const message = err instanceof Error ? err.message : String(err);
  if (typeof code === 'string' && KNOWN.has(code)) return new MlError(code as ErrorCode, message, { cause: err });
  return new MlError('INTERNAL', `${backend} engine failed unexpectedly: ${message}`, { cause: err });
}
