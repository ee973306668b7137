/**
 * The API's JSON body parser: a malformed body is a 400 saying where it breaks, and a body with a key
 * that could pollute prototypes (`__proto__`, or `constructor` holding `prototype`) is a 400 naming
 * that key, instead of Fastify's generic "not valid JSON".
 */
import { MlError } from '../engine/errors.js';

/** Path of the first forbidden key in a parsed JSON value (walked iteratively: any nesting depth is fine). */
export function forbiddenKey(value: unknown): string | undefined {
  const stack: [unknown, string][] = [[value, 'body']];
  while (stack.length) {
    const [v, at] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    for (const [k, child] of Object.entries(v)) {
      const path = Array.isArray(v) ? `${at}[${k}]` : `${at}.${k}`;
      if (k === '__proto__' || (k === 'constructor' && typeof child === 'object' && child !== null && Object.hasOwn(child, 'prototype'))) return path;
      stack.push([child, path]);
    }
  }
  return undefined;
}

export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') throw new MlError('INVALID_ARGUMENT', 'the body is empty; send a JSON object');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new MlError('INVALID_ARGUMENT', `the body is not valid JSON: ${(err as Error).message}`);
  }
  const key = forbiddenKey(value);
  if (key !== undefined) throw new MlError('INVALID_ARGUMENT', `the body has a forbidden key at ${key} (__proto__ and constructor.prototype are refused)`);
  return value;
}
