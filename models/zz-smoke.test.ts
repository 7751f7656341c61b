import { it } from 'vitest';
import { warehouseWith } from './testing.js';
import { conversation, customer, agent, csat, status, on, horizon } from './fixtures.js';
it('smoke', async () => {
  const at = on('2026-10-06');
  const w = await warehouseWith([conversation('c1', [customer(at('09:00')), agent(at('09:10')), status(at('09:20'), 'resolved'), csat(at('10:00'), 4)]), horizon('2026-10-30T00:00:00Z')]);
  console.log(await w.metrics('c1'));
  console.log((await w.summary([]))[0]);
  w.close();
});
