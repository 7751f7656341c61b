/**
 * A month of hand-made conversations with figures a test can work out by
 * hand: `n` conversations (default 10, the catalogue's minimum for a
 * figure), one a day from the 2nd at 09:00, each first answered `i` minutes
 * after the customer wrote (i = 1 … n, so the median first response of ten
 * is 5m 30s) and resolved at 09:30; the first `escalated` of them are
 * escalated, which rules out first contact resolution (FCR = (n − escalated) ÷ n
 * once the 7-day windows have closed).
 *
 * Test support only.
 *
 * @example
 *   const records = [...monthOfConversations('2026-11', { escalated: 3 }), horizon('2026-11-30T23:00:00Z')]; // FCR 70%
 */
import { agent, conversation, customer, escalate, status, type Item } from './fixtures.js';

export interface MonthOptions {
  n?: number;
  escalated?: number;
  channel?: string;
  /** Conversation ids start with this (default the month). */
  prefix?: string;
}

export function monthOfConversations(month: string, o: MonthOptions = {}) {
  const n = o.n ?? 10;
  return Array.from({ length: n }, (_, k) => {
    const i = k + 1;
    const day = `${month}-${String(i + 1).padStart(2, '0')}`;
    const items: Item[] = [customer(`${day}T09:00:00Z`), agent(`${day}T09:${String(i).padStart(2, '0')}:00Z`)];
    if (k < (o.escalated ?? 0)) items.push(escalate(`${day}T09:20:00Z`));
    items.push(status(`${day}T09:30:00Z`, 'resolved'));
    return conversation(`${o.prefix ?? month}-${i}`, items, { channel: o.channel ?? 'webchat' });
  });
}
