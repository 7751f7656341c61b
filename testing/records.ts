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

/**
 * October 2026 with most resolutions inferred: 18 conversations without
 * status events (resolved by inference at the agent's reply, the data running
 * on to 20 October, past the 24-hour window) and 2 resolved by a status
 * event — 18 of 20 resolutions inferred. For the caveat of models/caveats.ts.
 */
export function mostlyInferredOctober(): Record<string, unknown>[] {
  const inferred = Array.from({ length: 18 }, (_, i) => goodConversation(`i${i + 1}`, { events: [] }));
  const late = goodConversation('x2', {
    created_at: '2026-10-20T09:00:00Z',
    messages: [
      { id: 'm1', at: '2026-10-20T09:00:00Z', author: { role: 'customer' }, body: 'Hello' },
      { id: 'm2', at: '2026-10-20T09:05:00Z', author: { role: 'agent', id: 'a1' }, body: 'Hi' },
    ],
    events: [{ at: '2026-10-20T09:10:00Z', type: 'status', status: 'resolved' }],
  });
  return [...inferred, goodConversation('x1'), late];
}
