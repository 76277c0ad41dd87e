/**
 * Text bound for the user's terminal. Messages quote input (a history's bytes, an
 * argument), and a control character in it must not reach the terminal raw: an escape
 * sequence could rewrite the screen or hide the error, and a newline would break the
 * one-line-error contract. Every one-line message the CLI prints passes through here.
 */

/** C0 controls (newline and tab included), DEL and C1 controls, as `\xNN`. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

export function oneLine(text: string): string {
  return text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
