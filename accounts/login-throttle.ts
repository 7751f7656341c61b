/**
 * Sign-in throttling (table `login_attempts` of migration 008). Failed
 * sign-ins are counted per name (as typed: an unknown name is throttled like a
 * real one) and per client address; past a few, the next attempt must wait a
 * delay that doubles, and past more, the name or address is locked for a
 * while. A refused attempt is not checked at all: the right password during a
 * lockout does not sign in. An admin lifts a lock (`parley user unlock NAME`,
 * the Accounts page).
 *
 *   per name:    5 failures free; then 1, 2, 4, 8, 16 s between attempts; at 10, locked 15 min.
 *                Counted since the name's last sign-in or unlock, over 24 hours: after a lock
 *                ends, each further failure locks it again.
 *   per address: 10 failures in 15 min free; then 1 s doubling (to 512 s); at 20, locked 15 min.
 *                A sign-in from the address does not reset it (an attacker could sign in to
 *                their own account between guesses); an unlock does.
 *
 * @example
 *   gate([t1, t2, t3, t4, t5], ACCOUNT_POLICY, now); // { open: false, locked: false, until: t5 + 1 s }
 *   await signInBlock(db, 'ada', '203.0.113.9', now); // null, or why and until when
 *   await unlock(db, { username: 'ada' }, 'root', now); // { wasBlocked: true }
 */
import { sql, type Compilable } from 'kysely';
import type { Params, Warehouse } from '../warehouse/connection.js';
import { tables } from '../warehouse/tables.js';

export interface ThrottlePolicy {
  /** Failures that cost nothing. */
  freeFailures: number;
  /** The wait after the first failure past the free ones; it doubles with each further one. */
  firstDelayMs: number;
  /** Failures that lock. */
  lockAt: number;
  lockMs: number;
  /** Failures count when they fall within this span before the latest one. */
  windowMs: number;
}

const MINUTE = 60_000;

export const ACCOUNT_POLICY: ThrottlePolicy = { freeFailures: 5, firstDelayMs: 1000, lockAt: 10, lockMs: 15 * MINUTE, windowMs: 24 * 60 * MINUTE };
export const ADDRESS_POLICY: ThrottlePolicy = { freeFailures: 10, firstDelayMs: 1000, lockAt: 20, lockMs: 15 * MINUTE, windowMs: 15 * MINUTE };

/** Whether an attempt may go ahead at `now`: open, or closed until a time (a wait, or a lock). */
export type Gate = { open: true } | { open: false; locked: boolean; until: Date; failures: number };

/**
 * The gate for one name or address, from the times of its counted failures
 * (those since its last reset; any order). Pure: the clock is `now`.
 *
 * @example
 *   const at = (s: number) => new Date(Date.UTC(2026, 11, 1, 12, 0, s));
 *   gate([at(0), at(1), at(2), at(3), at(4)], ACCOUNT_POLICY, at(4)); // { open: false, locked: false, until: at(5), failures: 5 }
 *   gate([at(0), at(1), at(2), at(3), at(4)], ACCOUNT_POLICY, at(5)); // { open: true }
 */
export function gate(failures: readonly Date[], policy: ThrottlePolicy, now: Date): Gate {
  if (!failures.length) return { open: true };
  const last = Math.max(...failures.map((f) => f.getTime()));
  const n = failures.filter((f) => f.getTime() > last - policy.windowMs).length;
  if (n < policy.freeFailures) return { open: true };
  const locked = n >= policy.lockAt;
  const wait = locked ? policy.lockMs : Math.min(policy.firstDelayMs * 2 ** (n - policy.freeFailures), policy.lockMs);
  const until = last + wait;
  return now.getTime() < until ? { open: false, locked, until: new Date(until), failures: n } : { open: true };
}

/** A sign-in refused unchecked: which key closed, until when, and the one line to show. */
export interface SignInBlock {
  by: 'account' | 'address';
  locked: boolean;
  until: Date;
  /** Whole seconds to wait (at least 1), for Retry-After. */
  retryAfterS: number;
  message: string;
}

type Key = { username: string } | { address: string };

/** The times of the counted failures of a name or an address, as {@link gate} wants them. */
async function failuresOf(db: Warehouse, key: Key, policy: ThrottlePolicy, now: Date): Promise<Date[]> {
  const t = tables(db);
  // older failures cannot close the gate at `now`: the longest wait runs from the latest one
  const since = at(new Date(now.getTime() - policy.windowMs - policy.lockMs));
  const column = 'username' in key ? 'username' : 'address';
  const value = 'username' in key ? key.username : key.address;
  // a name is reset by its sign-in or an unlock; an address only by an unlock
  const resets = 'username' in key ? ['ok', 'unlocked'] : ['unlocked'];
  const rows = await t
    .selectFrom('login_attempts')
    .select('attempted_at')
    .where(column, '=', value)
    .where('outcome', '=', 'failed')
    .where('attempted_at', '>', since)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('login_attempts as r')
            .select(sql.lit(1).as('x'))
            .where(`r.${column}`, '=', value)
            .where('r.outcome', 'in', resets)
            .whereRef('r.attempted_at', '>', 'login_attempts.attempted_at'),
        ),
      ),
    )
    .execute();
  return rows.map((r) => r.attempted_at);
}

const clock = (d: Date) => d.toISOString().slice(11, 16) + ' UTC';

function blockOf(by: 'account' | 'address', g: Gate & { open: false }, now: Date): SignInBlock {
  const retryAfterS = Math.max(1, Math.ceil((g.until.getTime() - now.getTime()) / 1000));
  const whose = by === 'account' ? 'this account' : 'this address';
  const message = g.locked
    ? `Too many failed sign-ins: ${whose} is locked until ${clock(g.until)}; an admin can unlock it sooner.`
    : `Too many failed sign-ins for ${whose}: try again in ${retryAfterS} s.`;
  return { by, locked: g.locked, until: g.until, retryAfterS, message };
}

/**
 * Null when a sign-in of `username` from `address` may be checked at `now`;
 * otherwise why not (a lock wins over a wait, the name over the address).
 */
export async function signInBlock(db: Warehouse, username: string, address: string | null, now = new Date()): Promise<SignInBlock | null> {
  const byName = gate(await failuresOf(db, { username }, ACCOUNT_POLICY, now), ACCOUNT_POLICY, now);
  const byAddress = address === null ? ({ open: true } as const) : gate(await failuresOf(db, { address }, ADDRESS_POLICY, now), ADDRESS_POLICY, now);
  const closed = [byName.open ? null : blockOf('account', byName, now), byAddress.open ? null : blockOf('address', byAddress, now)].filter((b) => b !== null);
  return closed.sort((a, b) => Number(b.locked) - Number(a.locked))[0] ?? null;
}

export type AttemptOutcome = 'ok' | 'failed' | 'disabled' | 'refused';

/**
 * Logs a sign-in attempt (and forgets attempts older than 30 days). The
 * dashboard's caches do not depend on this table, so the write leaves them
 * (a flood of attempts must not make every page cold).
 */
export async function recordAttempt(db: Warehouse, attempt: { username: string; address: string | null; outcome: AttemptOutcome }, now = new Date()): Promise<void> {
  const t = tables(db);
  await keepingCaches(
    db,
    t.insertInto('login_attempts').values({ attempted_at: at(now), username: attempt.username, address: attempt.address, outcome: attempt.outcome, actor: null }),
  );
  if (attempt.outcome !== 'refused') {
    await keepingCaches(db, t.deleteFrom('login_attempts').where('attempted_at', '<', at(new Date(now.getTime() - 30 * 24 * 60 * MINUTE))));
  }
}

/** Runs a Kysely write with {@link Warehouse.runKeepingCaches}. */
export async function keepingCaches(db: Warehouse, query: Compilable): Promise<void> {
  const { sql: text, parameters } = query.compile();
  await db.runKeepingCaches(text, parameters as Params);
}

/**
 * Lifts the throttle of a name or an address (its failures so far no longer
 * count) and logs who did it. `wasBlocked` says whether it was waiting or locked.
 *
 * @example
 *   await unlock(db, { username: 'bob' }, 'ada', now); // { wasBlocked: true }
 */
export async function unlock(db: Warehouse, key: Key, actor: string, now = new Date()): Promise<{ wasBlocked: boolean }> {
  const policy = 'username' in key ? ACCOUNT_POLICY : ADDRESS_POLICY;
  const wasBlocked = !gate(await failuresOf(db, key, policy, now), policy, now).open;
  await tables(db)
    .insertInto('login_attempts')
    .values({ attempted_at: at(now), username: 'username' in key ? key.username : null, address: 'address' in key ? key.address : null, outcome: 'unlocked', actor })
    .execute();
  return { wasBlocked };
}

/** A name or address that may not sign in at `now`, as the Accounts page lists it. */
export interface Lockout {
  kind: 'account' | 'address';
  /** The name or the address. */
  key: string;
  locked: boolean;
  until: Date;
  failures: number;
}

/**
 * The names and addresses waiting or locked at `now`: locks first, then by the latest end.
 *
 * @example
 *   await lockouts(db, now); // [{ kind: 'account', key: 'bob', locked: true, until: …, failures: 10 }]
 */
export async function lockouts(db: Warehouse, now = new Date()): Promise<Lockout[]> {
  const t = tables(db);
  const out: Lockout[] = [];
  for (const [kind, column, policy] of [
    ['account', 'username', ACCOUNT_POLICY],
    ['address', 'address', ADDRESS_POLICY],
  ] as const) {
    const keys = await t
      .selectFrom('login_attempts')
      .select(column)
      .distinct()
      .where('outcome', '=', 'failed')
      .where(column, 'is not', null)
      .where('attempted_at', '>', at(new Date(now.getTime() - policy.windowMs - policy.lockMs)))
      .execute();
    for (const row of keys) {
      const key = row[column]!;
      const g = gate(await failuresOf(db, kind === 'account' ? { username: key } : { address: key }, policy, now), policy, now);
      if (!g.open) out.push({ kind, key, locked: g.locked, until: g.until, failures: g.failures });
    }
  }
  return out.sort((a, b) => Number(b.locked) - Number(a.locked) || b.until.getTime() - a.until.getTime() || a.key.localeCompare(b.key));
}

/** One logged attempt that was not a plain sign-in, as the Accounts page lists it. */
export interface LoginEvent {
  attempted_at: Date;
  username: string | null;
  address: string | null;
  outcome: string;
  actor: string | null;
}

/**
 * The latest `limit` failed, refused and disabled sign-ins and unlocks of the last 24 hours, newest first.
 *
 * @example
 *   (await recentLoginProblems(db, now)).map((e) => e.outcome); // ['refused', 'failed', 'unlocked', …]
 */
export async function recentLoginProblems(db: Warehouse, now = new Date(), limit = 20): Promise<LoginEvent[]> {
  return tables(db)
    .selectFrom('login_attempts')
    .select(['attempted_at', 'username', 'address', 'outcome', 'actor'])
    .where('outcome', '<>', 'ok')
    .where('attempted_at', '>', at(new Date(now.getTime() - 24 * 60 * MINUTE)))
    .where('attempted_at', '<=', at(now))
    .orderBy('attempted_at', 'desc')
    .limit(limit)
    .execute();
}

/**
 * Runs `fn` once every earlier call holding one of `keys` is done: the
 * attempts on one name or one address go one at a time, so parallel guesses
 * each see the failures before them. Keys are taken in sorted order (no
 * deadlock). One set of queues per process, shared through globalThis.
 */
export async function oneAtATime<T>(keys: readonly string[], fn: () => Promise<T>): Promise<T> {
  const releases: (() => void)[] = [];
  try {
    for (const key of [...new Set(keys)].sort()) releases.push(await take(key));
    return await fn();
  } finally {
    for (const release of releases.reverse()) release();
  }
}

const QUEUES_KEY = Symbol.for('parley.accounts.signInQueues');
const queues: Map<string, Promise<void>> = ((globalThis as { [QUEUES_KEY]?: Map<string, Promise<void>> })[QUEUES_KEY] ??= new Map());

async function take(key: string): Promise<() => void> {
  const before = queues.get(key) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((resolve) => (release = resolve));
  const tail = before.then(() => mine);
  queues.set(key, tail);
  await before;
  return () => {
    release();
    if (queues.get(key) === tail) queues.delete(key);
  };
}

/** A Date as a timestamptz in a query. */
function at(now: Date) {
  return sql<Date>`cast(${now.toISOString()} as timestamptz)`;
}
