/**
 * Porcupine's recorded histories as plain `Op[]` (tests and the benchmark use these);
 * the parsers themselves are the importers in ../import/.
 */
import type { Op } from '../../core/op.js';
import { importPorcupineEtcd } from '../import/porcupine-etcd.js';
import { importPorcupineKv } from '../import/porcupine-kv.js';

export const parseEtcdLog = (text: string, source = 'etcd log'): Op[] => importPorcupineEtcd(text, source).ops;
export const parseKvEdn = (text: string, source = 'kv history'): Op[] => importPorcupineKv(text, source).ops;
