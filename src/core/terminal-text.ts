/**
 * Text bound for the user's terminal. Messages and verdicts quote input (a history's
 * bytes, an argument), and a control character in it must not reach the terminal raw: an
 * escape sequence could rewrite the screen or hide the error, and a newline would break
 * the one-line-error contract. What the CLI prints passes through here.
 */

/** C0 controls (newline and tab included), DEL and C1 controls. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
/** The same but newline and tab: multi-line summaries keep their lines. */
const CONTROL_IN_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
const hex = (c: string): string => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;

/** One line: every control character, newline included, as `\xNN`. */
export function oneLine(text: string): string {
  return text.replace(CONTROL, hex);
}

/** Text of several lines: each line's control characters as `\xNN`, newlines kept. */
export function terminalLines(text: string): string {
  return text.replace(CONTROL_IN_LINES, hex);
}

/**
 * A stream that escapes what is written through it (a verdict quoting a history's keys
 * and values, say) before it reaches `to`.
 */
export function terminalStream(to: NodeJS.WritableStream): NodeJS.WritableStream {
  return {
    write: (chunk: string | Uint8Array, ...rest: unknown[]) =>
      (to.write as (c: string, ...r: unknown[]) => boolean)(terminalLines(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')), ...rest),
  } as unknown as NodeJS.WritableStream;
}
