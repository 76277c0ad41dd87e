/**
 * The kv operations and their answers, shared by both variants so that the harness sees the
 * exact same wire format whichever variant it tests.
 */

/** Values are JSON integers or null (null also means "never written"). */
export type KvValue = number | null;

export type KvOp =
  | { f: 'read'; key: string }
  | { f: 'write'; key: string; value: KvValue }
  | { f: 'cas'; key: string; from: KvValue; to: KvValue };

export type KvFunction = KvOp['f'];

/** An HTTP answer: status plus JSON body. */
export interface KvResult {
  status: number;
  body: Record<string, unknown>;
}

export class BadRequest extends Error {
  override name = 'BadRequest';
}

export const okRead = (value: KvValue): KvResult => ({ status: 200, body: { ok: true, value } });
export const okDone = (): KvResult => ({ status: 200, body: { ok: true } });
export const casMismatch = (): KvResult => ({
  status: 409,
  body: { ok: false, error: 'cas-mismatch', definite: true },
});
/** The op did not happen and the caller may say so (`fail` in the history). */
export const definiteError = (status: number, error: string): KvResult => ({
  status,
  body: { ok: false, error, definite: true },
});
/** The op may or may not have happened (`info` in the history). */
export const indefiniteError = (status: number, error: string): KvResult => ({
  status,
  body: { ok: false, error, definite: false },
});
export const badRequest = (message: string): KvResult => definiteError(400, `bad-request: ${message}`);

/** Validate a client body for `f`. Throws `BadRequest` with a message for the 400 answer. */
export function parseOp(f: KvFunction, body: unknown): KvOp {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BadRequest('body must be a JSON object');
  }
  const b = body as Record<string, unknown>;
  const key = b['key'];
  if (typeof key !== 'string' || key.length === 0) throw new BadRequest('"key" must be a non-empty string');
  switch (f) {
    case 'read':
      return { f, key };
    case 'write':
      return { f, key, value: parseValue(b, 'value') };
    case 'cas':
      return { f, key, from: parseValue(b, 'from'), to: parseValue(b, 'to') };
  }
}

/** Accept an already-validated op sent between nodes (same rules as client input). */
export function parseInternalOp(body: unknown): KvOp {
  if (typeof body !== 'object' || body === null) throw new BadRequest('body must be a JSON object');
  const f = (body as Record<string, unknown>)['f'];
  if (f !== 'read' && f !== 'write' && f !== 'cas') throw new BadRequest('"f" must be read, write or cas');
  return parseOp(f, body);
}

function parseValue(b: Record<string, unknown>, field: string): KvValue {
  // A missing field is an error rather than null: `{"key":"k"}` sent to /write is a client
  // bug, not a request to store null.
  if (!(field in b)) throw new BadRequest(`"${field}" is missing`);
  const v = b[field];
  if (v === null) return null;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  throw new BadRequest(`"${field}" must be an integer or null`);
}
