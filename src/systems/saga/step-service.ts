/**
 * A saga participant service (inventory, payments or shipping): one step and, except for
 * shipping, its compensation. Effects are appended to an fsynced log in both variants, so
 * what distinguishes them is only how requests are keyed:
 *
 * - careful: every request carries the saga id, and the service remembers per saga what
 *   happened to its step (done, refused, undone, or compensated before it ever arrived).
 *   A repeated step gets the first answer again instead of a second effect; a repeated
 *   compensation is a no-op; a compensation for a step never applied leaves a tombstone so
 *   that step, arriving late, is refused rather than applied after its compensation.
 * - naive: every request is a fresh action. A retried charge charges again; a refund is
 *   paid for whatever amount the caller names, whether or not a charge happened.
 */
import { DurableLog, StoppingLog } from '../durable-log.js';
import { BadRequest, definiteError, field, ok, stringField, type JsonResult, type Logger, type Service } from '../twopc/service.js';
import { STEPS, workMs, initialLevels, levelDelta, refusal, type Effect, type EffectKind, type Role, type StepDef } from '../../domain/saga-order.js';
import type { SagaArgs } from './args.js';
import { sleepMs } from '../twopc/peers.js';

type Status = 'done' | 'refused' | 'undone' | 'tombstone';
/** A log line: an effect, or (careful) a remembered refusal or tombstone without effect. */
type Rec = Effect | { saga: string; kind: 'refused' | 'tombstone'; step: string; reason?: string };

const KINDS = new Set(['reserve', 'charge', 'ship', 'release', 'refund', 'refused', 'tombstone']);

function parseRec(x: unknown): Rec | undefined {
  if (typeof x !== 'object' || x === null) return undefined;
  const r = x as Record<string, unknown>;
  if (typeof r['saga'] !== 'string' || typeof r['kind'] !== 'string' || !KINDS.has(r['kind'])) return undefined;
  return r as unknown as Rec;
}

export function createStepService(role: Role, args: SagaArgs, log: Logger, fatal: (m: string) => void): Service {
  const step = STEPS.find((s) => s.role === role) as StepDef;
  const careful = args.variant === 'careful';
  const levels = initialLevels(role);
  const effects: Effect[] = [];
  const status = new Map<string, Status>();
  const refusals = new Map<string, string>();

  const apply = (r: Rec): void => {
    if (r.kind === 'refused') {
      status.set(r.saga, 'refused');
      refusals.set(r.saga, r.reason ?? 'refused');
    } else if (r.kind === 'tombstone') status.set(r.saga, 'tombstone');
    else if ('resource' in r) {
      effects.push(r);
      if (r.resource in levels || r.kind !== 'ship') levels[r.resource] = (levels[r.resource] ?? 0) + levelDelta(r.kind, r.amount);
      status.set(r.saga, r.kind === step.name ? 'done' : 'undone');
    }
  };

  const { log: wal, records, truncatedBytes } = DurableLog.open<Rec>(args.dataDir, `${role}.log`, parseRec);
  records.forEach(apply);
  log(`${role} (${args.variant}): replayed ${records.length} records` + (truncatedBytes ? `, cut a torn line of ${truncatedBytes} bytes` : ''));

  const storage = new StoppingLog(wal, fatal);
  const record = (r: Rec): boolean => {
    if (!storage.append(r)) return false;
    apply(r);
    return true;
  };
  const stored = (r: Rec, answer: JsonResult): JsonResult => (record(r) ? answer : definiteError(503, 'storage-failed'));

  function doStep(saga: string, resource: string, amount: number): JsonResult {
    if (careful) {
      const s = status.get(saga);
      if (s === 'done') return ok({ repeated: true });
      if (s === 'refused') return definiteError(409, refusals.get(saga) ?? 'refused');
      if (s === 'undone' || s === 'tombstone') return definiteError(409, 'already compensated');
    }
    const why = refusal(step.name, levels[resource], amount);
    if (why !== undefined) return careful ? stored({ saga, kind: 'refused', step: step.name, reason: why }, definiteError(409, why)) : definiteError(409, why);
    return stored({ saga, kind: step.name, resource, amount }, ok());
  }

  function undoStep(saga: string, resource: string, amount: number): JsonResult {
    const kind = step.undoKind as EffectKind;
    if (!careful) return stored({ saga, kind, resource, amount }, ok());
    const s = status.get(saga);
    if (s === 'undone' || s === 'tombstone' || s === 'refused') return ok({ repeated: true });
    if (s === undefined) return stored({ saga, kind: 'tombstone', step: step.name }, ok({ tombstone: true }));
    // Undo exactly what was done, whatever the caller believes the amount was.
    const done = effects.find((e) => e.saga === saga && e.kind === step.name) as Effect;
    return stored({ saga, kind, resource: done.resource, amount: done.amount }, ok());
  }

  const body3 = (body: unknown): [string, string, number] => {
    const amount = field(body, 'amount');
    if (!Number.isSafeInteger(amount) || (amount as number) <= 0) throw new BadRequest('"amount" must be a positive integer');
    return [stringField(body, 'saga'), stringField(body, 'resource'), amount as number];
  };

  return {
    async handle(path, body) {
      if (storage.broken) return definiteError(503, 'storage-failed');
      // The work happens first; the bookkeeping after it is synchronous, so two copies of
      // one request cannot both pass the careful variant's "already done?" check.
      if (path === step.doPath) {
        const b = body3(body);
        await sleepMs(workMs(role));
        return doStep(...b);
      }
      if (step.undoPath !== undefined && path === step.undoPath) {
        const b = body3(body);
        await sleepMs(workMs(role));
        return undoStep(...b);
      }
      if (path === '/state') return ok({ node: args.id, role, levels, effects });
      return undefined;
    },
    health: () => ({ id: args.id, role, variant: args.variant }),
    close: () => wal.close(),
  };
}
