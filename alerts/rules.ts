/**
 * What each alert rule of parley.config.yaml's `alerts.rules` finds in the
 * warehouse at a moment `now`: the conditions that hold, each with the key
 * that names it (rule + condition + period: the same condition in the same
 * period has the same key, so it is fired once), words for a person and the
 * dashboard view that explains it.
 *
 *   threshold      the latest complete month (in the configured time zone) is above / below the value
 *   target_missed  the target (`targets`) was missed in each of the last `periods` complete months
 *   emerging_topic each row of insight_emerging of its newest month (topics and terms rising)
 *   sla_breaches   each hour of the 24 before `now` in which more than `above` conversations
 *                  first breached an SLA target (conversation_metrics.sla_first_breach_at)
 *
 * @example
 *   const found = await findAlerts(db, config, { now: new Date('2026-12-01T08:00:00Z') });
 *   // [{ key: 'fcr-low:fcr_rate<0.75:2026-11', title: 'FCR rate 72.0% in November 2026: below 75.0%', href: '/metrics/fcr_rate?from=2026-11-01&to=2026-11-30', … }]
 */
import type { Warehouse } from '../warehouse/connection.js';
import { tableExists } from '../warehouse/table-exists.js';
import { formatValue, metric } from '../models/catalogue.js';
import type { AlertRule } from '../models/config-alerts.js';
import type { ParleyConfig } from '../models/config.js';
import { formatTarget, judge, measure, targetFor, type Target } from '../models/targets.js';

export interface FoundAlert {
  /** rule + condition + period. */
  key: string;
  rule: string;
  kind: AlertRule['kind'];
  /** The period the condition holds in: a month 'YYYY-MM' or an hour 'YYYY-MM-DDTHH' (UTC). */
  period: string;
  title: string;
  detail: string;
  /** The dashboard view that explains it (a path). */
  href: string;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
/** '2026-11' → 'November 2026'. */
export const monthName = (m: string) => `${MONTHS[Number(m.slice(5, 7)) - 1]} ${m.slice(0, 4)}`;

/** The month before 'YYYY-MM'. */
export function previousMonth(m: string): string {
  const y = Number(m.slice(0, 4));
  const mo = Number(m.slice(5, 7));
  return mo === 1 ? `${y - 1}-12` : `${y}-${String(mo - 1).padStart(2, '0')}`;
}

/** The month `now` falls in, in `timezone`: 'YYYY-MM'. */
export function monthIn(now: Date, timezone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit' }).formatToParts(now);
  return `${parts.find((p) => p.type === 'year')!.value}-${parts.find((p) => p.type === 'month')!.value}`;
}

const lastDay = (m: string) => new Date(Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5, 7)), 0)).toISOString().slice(0, 10);
const monthQuery = (m: string, scope: { channel?: string | undefined; team?: string | undefined }) => {
  const q = new URLSearchParams({ from: `${m}-01`, to: lastDay(m) });
  if (scope.channel) q.set('channel', scope.channel);
  if (scope.team) q.set('team', scope.team);
  return `?${q.toString()}`;
};
const scopeWords = (r: { channel?: string | undefined; team?: string | undefined }) => {
  const s = [r.channel, r.team].filter(Boolean).join(', ');
  return s ? ` (${s})` : '';
};
const scopeKey = (r: { channel?: string | undefined; team?: string | undefined }) => (r.channel || r.team ? `[${r.channel ?? ''}|${r.team ?? ''}]` : '');

/** Every condition the rules find at `now`, rule by rule in configuration order. */
export async function findAlerts(db: Warehouse, config: ParleyConfig, o: { now: Date }): Promise<FoundAlert[]> {
  const rules = Object.entries(config.alerts?.rules ?? {});
  if (rules.length === 0 || !(await tableExists(db, 'conversation_metrics'))) return [];
  // the latest complete month with data: months before the one `now` is in
  const current = monthIn(o.now, config.timezone);
  const row = await db.one<{ m: string | null }>('select max(month) as m from conversation_metrics where month < $1', [current]);
  const complete = row?.m ?? null;
  // the configuration's targets (a build has just written the same ones to config_targets)
  const targets: readonly Target[] = config.targets;
  const out: FoundAlert[] = [];
  for (const [name, rule] of rules) {
    switch (rule.kind) {
      case 'threshold':
        if (complete) out.push(...(await threshold(db, name, rule, complete)));
        break;
      case 'target_missed':
        if (complete) out.push(...(await targetMissed(db, name, rule, complete, targets)));
        break;
      case 'emerging_topic':
        out.push(...(await emerging(db, name)));
        break;
      case 'sla_breaches':
        out.push(...(await slaBreaches(db, name, rule, o.now)));
        break;
    }
  }
  return out;
}

async function threshold(db: Warehouse, name: string, rule: AlertRule, month: string): Promise<FoundAlert[]> {
  const m = metric(rule.metric!);
  const value = await measure(db, m.name, { month, channel: rule.channel, team: rule.team });
  if (value === null) return [];
  const over = rule.above !== undefined && value > rule.above;
  const under = rule.below !== undefined && value < rule.below;
  if (!over && !under) return [];
  const line = (over ? rule.above : rule.below)!;
  const words = over ? 'above' : 'below';
  return [
    {
      key: `${name}:${m.name}${scopeKey(rule)}${over ? '>' : '<'}${line}:${month}`,
      rule: name,
      kind: 'threshold',
      period: month,
      title: `${m.label}${scopeWords(rule)} ${formatValue(m, value)} in ${monthName(month)}: ${words} ${formatTarget(m, line)}`,
      detail: `${m.label}${scopeWords(rule)} over the whole of ${monthName(month)}, the latest complete month; the rule fires ${words} ${formatTarget(m, line)}.`,
      href: `/metrics/${m.name}${monthQuery(month, rule)}`,
    },
  ];
}

async function targetMissed(db: Warehouse, name: string, rule: AlertRule, latest: string, targets: readonly Target[]): Promise<FoundAlert[]> {
  const m = metric(rule.metric!);
  const months: string[] = [latest];
  while (months.length < (rule.periods ?? 2)) months.push(previousMonth(months.at(-1)!));
  const missed: { month: string; value: number; target: Target; gap: string }[] = [];
  for (const month of months) {
    const target = targetFor(targets, m.name, { month, channel: rule.channel, team: rule.team });
    if (!target) return [];
    const value = await measure(db, m.name, { month, channel: rule.channel, team: rule.team });
    if (value === null) return [];
    const j = judge(m, value, target);
    if (j.met) return [];
    missed.push({ month, value, target, gap: j.gap });
  }
  const n = months.length;
  const running = n === 2 ? 'two months running' : `${n} months running`;
  const figures = missed.map((x) => `${formatValue(m, x.value)} in ${monthName(x.month)} (target ${formatTarget(m, x.target.value)}, missed by ${x.gap})`);
  return [
    {
      key: `${name}:${m.name}${scopeKey(rule)}:missed${n}:${latest}`,
      rule: name,
      kind: 'target_missed',
      period: latest,
      title: `${m.label}${scopeWords(rule)} missed its target ${running}`,
      detail: `${figures.join('; ')}.`,
      href: `/metrics/${m.name}${monthQuery(latest, rule)}`,
    },
  ];
}

async function emerging(db: Warehouse, name: string): Promise<FoundAlert[]> {
  if (!(await tableExists(db, 'insight_emerging'))) return [];
  const rows = await db.all<{ month: string; kind: string; item: string; label: string; conversations: number; expected: number; ratio: number }>(
    `select month, kind, item, label, conversations, expected, ratio from insight_emerging
     where month = (select max(month) from insight_emerging) order by rank`,
  );
  return rows.map((r) => ({
    key: `${name}:${r.kind}:${r.item}:${r.month}`,
    rule: name,
    kind: 'emerging_topic' as const,
    period: r.month,
    title: `Emerging in ${monthName(r.month)}: "${r.label}" (${r.conversations} conversations, ${Number(r.ratio).toFixed(1)}× the usual)`,
    detail: `The ${r.kind} "${r.label}" rose to ${r.conversations} conversations against about ${Math.round(Number(r.expected))} expected from the months before.`,
    href: `/pain-points?month=${r.month}`,
  }));
}

/** The hours to look back over for SLA breaches. */
export const SLA_LOOKBACK_HOURS = 24;

async function slaBreaches(db: Warehouse, name: string, rule: AlertRule, now: Date): Promise<FoundAlert[]> {
  const since = new Date(now.getTime() - SLA_LOOKBACK_HOURS * 3_600_000);
  const rows = await db.all<{ hour: Date; breaches: bigint | number }>(
    `select date_trunc('hour', sla_first_breach_at at time zone 'UTC') as hour, count(*) as breaches
     from conversation_metrics
     where sla_first_breach_at >= $1 and sla_first_breach_at < $2
     group by 1 having count(*) > $3 order by 1`,
    [since, now, rule.above!],
  );
  return rows.map((r) => {
    const hour = `${r.hour.toISOString().slice(0, 13)}`;
    const day = hour.slice(0, 10);
    const n = Number(r.breaches);
    return {
      key: `${name}:sla_breaches>${rule.above}:${hour}`,
      rule: name,
      kind: 'sla_breaches' as const,
      period: hour,
      title: `${n} SLA breaches between ${hour.slice(11)}:00 and ${hour.slice(11)}:59 UTC on ${day}: more than ${rule.above} in an hour`,
      detail: `${n} conversations first breached an SLA target in that hour.`,
      href: `/sla?from=${day}&to=${day}`,
    };
  });
}
