/**
 * The ```targets``` block of a notebook: each configured target
 * (parley.config.yaml `targets`, written to config_targets by the build)
 * against the month's figure, in a sentence — "First contact resolution
 * 78.5% against a target of 80.0%: missed by 1.5 pts." The figures are
 * models/targets.ts's, the same as the dashboard's tiles and the alerts.
 *
 * @example
 *   ```targets
 *   month: month
 *   ```
 */
import type { Warehouse } from '../warehouse/connection.js';
import { tableExists } from '../warehouse/table-exists.js';
import { formatValue } from '../models/catalogue.js';
import { formatTarget, monthAgainstTargets, readTargets } from '../models/targets.js';
import { escapeHtml, unavailableBox } from './html.js';
import { formatMonth } from './format.js';

/** The block's HTML for `month` ('YYYY-MM'). */
export async function renderTargetsBlock(db: Warehouse, month: string): Promise<string> {
  if (!(await tableExists(db, 'conversation_metrics'))) return unavailableBox(['conversation_metrics']);
  const targets = await readTargets(db);
  if (targets.length === 0)
    return `<p class="nb-note">No targets are set: add <code>targets:</code> to parley.config.yaml (for example <code>- { metric: fcr_rate, value: 80% }</code>) and build.</p>\n`;
  const rows = await monthAgainstTargets(db, month, targets);
  if (rows.length === 0) return `<p class="nb-note">No target applies to ${escapeHtml(formatMonth(month))}.</p>\n`;
  const items = rows.map(({ target, metric, value, judgement }) => {
    const scope = [target.channel, target.team].filter(Boolean).join(', ');
    const what = `${metric.label}${scope ? ` (${scope})` : ''}`;
    const goal = formatTarget(metric, target.value);
    if (value === null || judgement === null) return `<li>${escapeHtml(`${what}: too few conversations for a figure; the target is ${goal}.`)}</li>`;
    // 'met', 'met, 1.2 pts above' or 'missed by 1.5 pts' (judge's words after the target)
    const how = judgement.text.slice(judgement.text.indexOf(': ') + 2);
    return `<li class="${judgement.met ? 'nb-good nb-met' : 'nb-bad nb-missed'}">${escapeHtml(`${what} ${formatValue(metric, value)} against a target of ${goal}: ${how}.`)}</li>`;
  });
  return `<ul class="nb-changes nb-targets">\n${items.join('\n')}\n</ul>\n`;
}
