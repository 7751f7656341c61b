import { describe, expect, it } from 'vitest';
import { breakdownChart } from './breakdown.js';
import { formatDuration } from './duration.js';

const href = (key: string) => `/conversations?channel=${encodeURIComponent(key)}`;

describe('breakdownChart', () => {
  it('draws a linked bar a group, its value beside it, ticks as percentages', async () => {
    const svg = breakdownChart(
      [
        { key: 'email', value: 0.71 },
        { key: 'chat', value: 0.64 },
        { key: 'sms', value: null },
        { key: 'whatsapp', value: 0.825 },
      ],
      { label: 'FCR', unit: 'rate', href, format: (v) => `${(v * 100).toFixed(1)}%` },
    );
    expect(svg).toContain('<a href="/conversations?channel=email"><title>email: 71.0%</title>');
    expect(svg).not.toContain('sms');
    expect(svg).toContain('>80%</text>');
    await expect(svg).toMatchFileSnapshot('__snapshots__/breakdown-rate.svg');
  });

  it('shows a label instead of the key, links by the key, and escapes both', async () => {
    const svg = breakdownChart(
      [
        { key: 'a-17', label: 'Zoë <Ops> & Co', value: 5400 },
        { key: 'a-3', label: 'Ana', value: 12_600 },
      ],
      { label: 'First response time', unit: 'seconds', href: (k) => `/conversations?agent=${k}&metric="x"`, format: formatDuration },
    );
    expect(svg).toContain('>Zoë &lt;Ops&gt; &amp; Co</text>');
    expect(svg).toContain('href="/conversations?agent=a-17&amp;metric=&quot;x&quot;"');
    for (const tick of ['0s', '1h', '2h', '3h', '4h']) expect(svg).toContain(`>${tick}</text>`);
    await expect(svg).toMatchFileSnapshot('__snapshots__/breakdown-duration.svg');
  });

  it('draws nothing without a value', () => {
    expect(breakdownChart([{ key: 'email', value: null }], { label: 'FCR', href })).toBe('');
  });
});
