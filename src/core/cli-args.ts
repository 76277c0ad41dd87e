/** Command-line parsing that turns node's parseArgs errors into one-line usage errors. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './errors.js';

/** Wraps parseArgs so its errors (unknown option, missing value) become one-line usage errors. */
export function parseCli<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs<T>(config);
  } catch (e) {
    const msg = (e as Error).message.split('\n')[0]!.replace(/\. To specify a positional.*$/, '').replace(/\.\s*$/, '');
    throw new UsageError(`${msg}; see --help`);
  }
}
