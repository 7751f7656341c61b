/**
 * `docs/metrics.md`, generated from the catalogue so the docs cannot drift
 * from the code (a test compares the committed file with this output).
 */
import { CATALOGUE, MIN_GROUP_SIZE, PLANNING_FIGURES, type Group } from './catalogue.js';

const GROUP_TITLES: Record<Group, string> = {
  volume: 'Volume',
  responsiveness: 'Responsiveness',
  resolution: 'Resolution',
  sla: 'Service-level agreements',
  automation: 'Automation',
  experience: 'Customer experience',
  workload: 'Workload',
  quality: 'Quality (scorecards)',
  business: 'Business impact',
};

const UNIT_TEXT = {
  count: 'count',
  seconds: 'seconds',
  rate: 'fraction 0–1',
  score: '0–100',
  flag: 'true/false',
  agent: 'agent id',
  money: 'amount (the currency of `costs`)',
  team: 'team name',
  policy: 'policy name',
  moment: 'timestamp',
};

const cell = (s: string) => s.replace(/\|/g, '\\|');

export function catalogueMarkdown(): string {
  const lines = [
    '# Metric catalogue',
    '',
    '<!-- Generated from models/catalogue.ts by `npm run docs:metrics`; do not edit by hand. -->',
    '',
    'Every figure Parley shows is computed as written here; the definitions follow',
    '`spec/metrics.md`. Per-conversation metrics are columns of the `conversation_metrics`',
    'mart; rates and distributions are fields of `parley metrics summary` and the',
    "`metric_summary` mart (`<rate>_base` is a rate's denominator; durations have",
    '`_median`, `_p90` and `_mean`). A statistic over fewer than',
    `${MIN_GROUP_SIZE} values is left empty and its count stays. "Inferred" marks metrics that`,
    'count inferred resolutions (no status events; resolved at the last reply after 24 h of quiet).',
    '',
  ];
  for (const group of Object.keys(GROUP_TITLES) as Group[]) {
    const metrics = CATALOGUE.filter((m) => m.group === group);
    if (metrics.length === 0) continue;
    lines.push(`## ${GROUP_TITLES[group]}`, '', '| name | definition | unit | better | inferred |', '| --- | --- | --- | --- | --- |');
    for (const m of metrics) {
      const better = m.higherIsBetter === null ? '–' : m.higherIsBetter ? 'higher' : 'lower';
      const where = m.computedIn ? ` (computed in ${m.computedIn})` : '';
      lines.push(`| \`${m.name}\` | ${cell(m.definition)}${where} | ${UNIT_TEXT[m.unit]} | ${better} | ${m.usesInferredResolution ? 'yes' : ''} |`);
    }
    lines.push('');
  }
  lines.push(
    '## Planning figures',
    '',
    'Figures of the planning commands and page (`parley forecast`, `parley plan staffing`; README "Planning"), beyond `spec/metrics.md`.',
    '',
    '| name | definition | unit | better | inferred |',
    '| --- | --- | --- | --- | --- |',
  );
  for (const m of PLANNING_FIGURES) {
    lines.push(`| \`${m.name}\` | ${cell(m.definition)} (computed in ${m.computedIn ?? '–'}) | ${UNIT_TEXT[m.unit]} | – | ${m.usesInferredResolution ? 'yes' : ''} |`);
  }
  lines.push('');
  return lines.join('\n');
}
