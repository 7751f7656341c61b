/**
 * Small canonical records for ingest tests, written out by hand so each
 * broken variant differs from the good one in exactly one way.
 */
export function goodConversation(id: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    channel: 'webchat',
    created_at: '2026-10-04T09:00:00Z',
    customer: { id: `cus_${id}` },
    messages: [
      { id: 'm1', at: '2026-10-04T09:00:00Z', author: { role: 'customer' }, body: 'My parcel has not arrived' },
      { id: 'm2', at: '2026-10-04T11:05:00+02:00', author: { role: 'agent', id: 'a1' }, body: 'Sorry! Let me check.' },
    ],
    events: [{ at: '2026-10-04T09:10:00Z', type: 'status', status: 'resolved' }],
    ...overrides,
  };
}

/** Lines of a synthetic export: `n` conversations of `messages` messages each. */
export function* syntheticLines(n: number, messages = 10, prefix = 'c'): Generator<string> {
  const base = Date.parse('2026-09-01T00:00:00Z');
  for (let i = 0; i < n; i++) {
    const start = base + i * 60_000;
    const msgs = Array.from({ length: messages }, (_, k) => ({
      id: `m${k}`,
      at: new Date(start + k * 30_000).toISOString(),
      author: { role: k % 2 === 0 ? 'customer' : 'agent', id: k % 2 === 0 ? undefined : `a${i % 7}` },
      body: `message ${k} of conversation ${i} about an order that has not arrived yet`,
    }));
    yield JSON.stringify({ id: `${prefix}${i}`, channel: 'webchat', created_at: msgs[0]!.at, customer: { id: `u${i % 500}` }, messages: msgs });
  }
}
