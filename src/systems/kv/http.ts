/**
 * Small HTTP JSON helpers for the kv server: reading a bounded JSON body, writing a JSON
 * answer, and calling a peer with separate connect/request deadlines.
 *
 * Peer calls reuse the harness' `httpRequest`, which already distinguishes "never connected"
 * (definitely not delivered) from "sent, no answer" (outcome unknown); the careful variant's
 * error answers depend on exactly that distinction.
 */
import http from 'node:http';
import { HttpRequestError, classifyTransportError, httpRequest, type TransportErrorCode, type HttpResponse } from '../../clients/http-transport.js';
import type { NodeAddress } from './args.js';
import { BadRequest, type KvResult } from './ops.js';

/** Bodies are tiny; anything bigger is a client bug or abuse. */
const MAX_BODY_BYTES = 64 * 1024;

/** The caller hung up before its request body arrived; there is nobody to answer. */
export class ClientGone extends Error {
  override name = 'ClientGone';
}

export function readJsonBody(req: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    let ended = false;
    // Without this an aborted upload (a forwarder giving up) would leave the promise pending.
    req.on('close', () => {
      if (!ended && !failed) {
        failed = true;
        reject(new ClientGone('request aborted before its body was complete'));
      }
    });
    req.on('data', (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        failed = true;
        reject(new BadRequest(`body larger than ${MAX_BODY_BYTES} bytes`));
        return;
      }
      chunks.push(c);
    });
    req.on('error', (e) => {
      if (!failed) reject(e);
      failed = true;
    });
    req.on('end', () => {
      ended = true;
      if (failed) return;
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') {
        reject(new BadRequest('empty body'));
        return;
      }
      try {
        resolve(JSON.parse(text) as unknown);
      } catch {
        reject(new BadRequest('body is not valid JSON'));
      }
    });
  });
}

export function sendJson(res: http.ServerResponse, result: KvResult): void {
  if (res.headersSent || res.destroyed) return;
  const payload = JSON.stringify(result.body);
  res.writeHead(result.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
  });
  res.end(payload);
}

/** Keep-alive pool for calls to peers; bounded so a hung peer cannot eat all descriptors. */
export function createPeerAgent(): http.Agent {
  return new http.Agent({ keepAlive: true, keepAliveMsecs: 1000, maxSockets: 32, maxFreeSockets: 8 });
}

function peerUrl(node: NodeAddress): string {
  // Bracket IPv6 literals so the URL parses.
  const host = node.host.includes(':') ? `[${node.host}]` : node.host;
  return `http://${host}:${node.port}`;
}

export interface PeerCallOptions {
  connectTimeoutMs: number;
  requestTimeoutMs: number;
  agent: http.Agent;
}

export type PeerOutcome =
  | { kind: 'answer'; response: HttpResponse }
  | { kind: 'failed'; code: TransportErrorCode; message: string };

/** POST to a peer; never throws, so callers must handle both outcomes explicitly. */
export async function callPeer(
  node: NodeAddress,
  path: string,
  body: unknown,
  opts: PeerCallOptions,
): Promise<PeerOutcome> {
  try {
    const response = await httpRequest(peerUrl(node), path, body, {
      timeoutMs: opts.requestTimeoutMs,
      connectTimeoutMs: opts.connectTimeoutMs,
      agent: opts.agent,
    });
    return { kind: 'answer', response };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return { kind: 'failed', code: e instanceof HttpRequestError ? e.code : classifyTransportError(e), message };
  }
}
