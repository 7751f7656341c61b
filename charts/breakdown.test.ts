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

  it('on a phone-width chart labels every second tick, so they do not run together', () => {
    const rows = [
      { key: 'proactive_guidance', value: 0.333 },
      { key: 'accuracy', value: 1 },
    ];
    // 0–100 % in steps of 20 points: the label column is 16 + 6.5 × 18 = 133 px, so six ticks in 340 − 133 − 60 = 147 px are 29 px apart, so 0 %, 40 %, 80 %
    const narrow = breakdownChart(rows, { label: 'Exact matches', unit: 'rate', href, width: 340 });
    for (const tick of ['0%', '40%', '80%']) expect(narrow).toContain(`>${tick}</text>`);
    for (const tick of ['20%', '60%', '100%']) expect(narrow).not.toContain(`>${tick}</text>`);
    const wide = breakdownChart(rows, { label: 'Exact matches', unit: 'rate', href });
    for (const tick of ['0%', '20%', '40%', '60%', '80%', '100%']) expect(wide).toContain(`>${tick}</text>`);
  });

  it('draws nothing without a value', () => {
    expect(breakdownChart([{ key: 'email', value: null }], { label: 'FCR', href })).toBe('');
  });
});
