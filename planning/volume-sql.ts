/**
 * The one read of the planning figures (forecast, staffing, the Planning page
 * and the monthly report's planning section): conversations started per local
 * day and slot of the day from conversation_metrics, and the mean handle time
 * from agent_concurrency_edges. Everything else in planning/ is arithmetic
 * over what these return.
 *
 * The history ends at the arrivals horizon: the latest conversation start or
 * message in the warehouse (not the clock, and not a later event such as a
 * ServiceNow incident's state change months after the last new incident, which
 * would pad the history with empty days). The horizon's own day counts only
 * when the horizon lies in its last hour; otherwise it is partial, left out of
 * the fit, and the first day forecast.
 *
 * @example
 *   const v = await loadVolume(db, { slotMinutes: 60, channel: 'webchat' });
 *   v.days;  // [{ date: '2026-10-06', count: 212 }, …] contiguous, zeros included
 *   v.slots; // [{ date: '2026-10-06', slot: 9, count: 31 }, …]
 */
import type { Warehouse } from '../warehouse/connection.js';
import { binder } from '../warehouse/params.js';
import { addDays, type DayCount, type SlotCount } from './forecast.js';

export interface VolumeFilter {
  channel?: string | undefined;
  team?: string | undefined;
}

export interface Volume {
  /** The configured time zone: days and slots are local to it. */
  timezone: string;
  /** The latest conversation start, or null in an empty warehouse. */
  horizon: Date | null;
  /** Whole days from the first conversation (of the filter) to the last whole day, oldest first. */
  days: DayCount[];
  slots: SlotCount[];
  slotMinutes: number;
}

function filterSql(filter: VolumeFilter, bind: (v: unknown) => string): string {
  const parts = ['true'];
  if (filter.channel !== undefined) parts.push(`m.channel = ${bind(filter.channel)}`);
  if (filter.team !== undefined) parts.push(`m.team = ${bind(filter.team)}`);
  return parts.join(' and ');
}

/** The SQL of {@link loadVolume}: one row per local day (up to `lastDay`) and slot with conversations. */
export function volumeSql(slotMinutes: number, lastDay: string, filter: VolumeFilter = {}): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const bind = binder(params);
  const slot = bind(slotMinutes);
  const sql = `-- one row per local day and slot of the day: conversations started in it
with settings as (
  select timezone from config_settings
),

bounds as (
  select
    s.timezone,
    cast(${bind(lastDay)} as date) as last_day
  from settings s
),

arrivals as (
  select
    timezone(b.timezone, m.created_at) as local_at,
    b.last_day
  from conversation_metrics m
  cross join bounds b
  where ${filterSql(filter, bind)}
)

select
  strftime(cast(local_at as date), '%Y-%m-%d') as date,
  ((extract(hour from local_at) * 60 + extract(minute from local_at)) // ${slot})::integer as slot,
  count(*)::integer as count
from arrivals
where cast(local_at as date) <= last_day
group by all
order by date, slot`;
  return { sql, params };
}

/** Conversations per local day and slot, with the empty days filled in. */
export async function loadVolume(db: Warehouse, { slotMinutes = 60, ...filter }: VolumeFilter & { slotMinutes?: number } = {}): Promise<Volume> {
  const bounds = await db.one<{ timezone: string; horizon: Date | null; last_day: string | null }>(
    `with horizon as (
       select max(stamp) as horizon
       from (
         select max(created_at) as stamp from conversation_metrics
         union all
         select max(sent_at) from stg_messages
       )
     )

     select
       s.timezone,
       h.horizon,
       strftime(cast(timezone(s.timezone, h.horizon) as date)
         - case when hour(timezone(s.timezone, h.horizon)) = 23 then 0 else 1 end, '%Y-%m-%d') as last_day
     from config_settings s
     cross join horizon h`,
  );
  const lastDay = bounds?.last_day ?? null;
  const { sql, params } = volumeSql(slotMinutes, lastDay ?? '1970-01-01', filter);
  const slots = lastDay ? await db.all<SlotCount & Record<string, unknown>>(sql, params) : [];
  const days: DayCount[] = [];
  if (slots.length && lastDay) {
    const totals = new Map<string, number>();
    for (const s of slots) totals.set(s.date, (totals.get(s.date) ?? 0) + s.count);
    for (let date = slots[0]!.date; date <= lastDay; date = addDays(date, 1)) days.push({ date, count: totals.get(date) ?? 0 });
  }
  return {
    timezone: bounds?.timezone ?? 'UTC',
    horizon: bounds?.horizon ?? null,
    days,
    slots: slots.map((s) => ({ date: s.date, slot: s.slot, count: s.count })),
    slotMinutes,
  };
}

/**
 * h, the mean handle time in seconds (catalogue `handle_time`): over the
 * conversations an agent owns that started in the `days` days up to the
 * horizon, the mean of their active time — the minutes they count in the
 * agent's concurrency (open, with activity in the last 30 minutes;
 * agent_concurrency_edges). Null when no such conversation exists.
 */
export async function loadHandleTime(db: Warehouse, filter: VolumeFilter = {}, days = 56): Promise<{ handle_s: number | null; conversations: number }> {
  const params: unknown[] = [];
  const bind = binder(params);
  const span = bind(days);
  const row = await db.one<{ handle_s: number | null; conversations: number }>(
    `with active as (
       select
         source,
         conversation_id,
         sum(-delta * minute) * 60 as active_s
       from agent_concurrency_edges
       group by source, conversation_id
     ),

     since as (
       select max(created_at) - to_days(${span}::integer) as since from conversation_metrics
     )

     select
       avg(a.active_s)::double as handle_s,
       count(*)::integer as conversations
     from active a
     join conversation_metrics m using (source, conversation_id)
     cross join since
     where m.created_at > since.since
       and ${filterSql(filter, bind)}`,
    params,
  );
  return { handle_s: row?.handle_s ?? null, conversations: row?.conversations ?? 0 };
}
