/**
 * Escaping for everything that reaches the page. History values are user data: a value
 * such as `<script>alert(1)</script>` must show as text, never become markup. Every string
 * that did not come from this module's own templates goes through one of these.
 */

import { toJson } from '../core/exact-json.js';

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Escapes text for element content and for quoted attribute values alike (quotes are
 * escaped too, so one function is safe in both places and no caller has to choose).
 */
export function esc(text: unknown): string {
  const s = typeof text === 'string' ? text : String(text);
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/**
 * A JSON value as compact text for display (bigints as their digits). `undefined` (an op
 * that never completed) and values JSON cannot encode (cycles) still get a readable form
 * instead of throwing.
 */
export function showValue(v: unknown): string {
  if (v === undefined) return '…';
  try {
    const s = toJson(v);
    return s === undefined ? String(v) : s;
  } catch {
    return String(v);
  }
}

/** Cuts long user text so one huge value cannot blow up the page; says that it did. */
export function clip(s: string, max = 200): string {
  return s.length <= max ? s : `${s.slice(0, max)}… (${s.length - max} more chars)`;
}
