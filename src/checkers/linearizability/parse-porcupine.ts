/**
 * Porcupine's recorded histories as plain `Op[]` (tests and the benchmark use these);
 * the parsers themselves are the importers in ../import/.
 */
import type { Op } from '../../core/op.js';
import { stringChunks } from '../../core/text-source.js';
import { formatByName, importHistory } from '../import/index.js';

export const parseEtcdLog = (text: string, source = 'etcd log'): Op[] => importHistory(stringChunks(text), source, formatByName('porcupine-etcd')).ops;
export const parseKvEdn = (text: string, source = 'kv history'): Op[] => importHistory(stringChunks(text), source, formatByName('porcupine-kv')).ops;
