/**
 * What an op that did not succeed goes into the history as: one set of rules for every
 * client. After Maelstrom's error registry, each kind of error says whether it is
 * *definite* (the op certainly did not take effect, and never will) or not:
 *  - definite → `fail`;
 *  - indefinite → `info` (it may have happened, or may still happen);
 *  - an op that changes nothing (a read) → `fail` whatever the error: there is nothing to
 *    be unsure about, and a checker must not wait for its effect.
 */
import type { ClientOp, ClientResult } from './client.js';
import { classifyTransportError } from './http-transport.js';

export const ERRORS = {
  'not-sent': { definite: true, doc: 'never sent: aborted first, or no connection to send it on' },
  'unknown-op': { definite: true, doc: 'the client has no such operation' },
  connect: { definite: true, doc: 'no connection was made: the server cannot have seen the request' },
  timeout: { definite: false, doc: 'sent, and no complete answer in time' },
  reset: { definite: false, doc: 'the connection broke after the request was handed to it' },
  'bad-response': { definite: false, doc: 'an answer that could not be read: the server did something' },
  refused: { definite: true, doc: "the server's word that nothing happened: a 4xx status, an error reply, a definite flag" },
  'server-error': { definite: false, doc: 'the server failed without saying that nothing happened (a 5xx status)' },
  'no-answer': { definite: false, doc: 'no answer, for a reason the client library does not tell apart (a lost connection, a timeout)' },
} as const satisfies Record<string, { definite: boolean; doc: string }>;

type ErrorKind = keyof typeof ERRORS;

/** The rule itself: `fail` for a definite error or an op that changes nothing, else `info`. */
export function outcome(definite: boolean, readOnly = false): 'fail' | 'info' {
  return definite || readOnly ? 'fail' : 'info';
}

/** An op that did not succeed, recorded by the kind of its error. */
export function failure(kind: ErrorKind, value: unknown, error: string, readOnly = false): ClientResult {
  return { type: outcome(ERRORS[kind].definite, readOnly), value, error };
}

/** An op the client gave up on before sending it (by default: the runner aborted it). */
export function notSent(value: unknown, why = 'aborted'): ClientResult {
  return failure('not-sent', value, `not sent: ${why}`);
}

/** An op the client does not know. */
export function unknownOp(op: ClientOp): ClientResult {
  return failure('unknown-op', op.value, `unknown f ${op.f}`);
}

/** A request that threw (http-transport): `fail` only when it never reached the server, or was read-only. */
export function requestFailure(err: unknown, value: unknown, readOnly: boolean): ClientResult {
  const kind = classifyTransportError(err);
  return failure(kind, value, `${kind}: ${err instanceof Error ? err.message : String(err)}`, readOnly);
}

/**
 * An HTTP answer that is not a success: refused (definite) for a 4xx status or when the
 * server says so (`serverSaysDefinite`: the built-in services' `definite: true`), else a
 * server error (indefinite).
 */
export function httpFailure(status: number, value: unknown, error: string, readOnly: boolean, serverSaysDefinite = false): ClientResult {
  return failure(serverSaysDefinite || (status >= 400 && status < 500) ? 'refused' : 'server-error', value, error, readOnly);
}
