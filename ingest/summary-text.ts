/**
 * A load's summary in words, each count in its own unit: conversations,
 * agents and customer outcomes loaded; records refused as what the export
 * holds (a ServiceNow audit row, a tweet, a canonical conversation line).
 * `parley ingest` prints these lines.
 *
 * @example
 *   loadedText(summary);   // 'loaded 50,000 conversations, 40 agents and 9,847 customer outcomes'
 *   refusedText(summary);  // '5 audit rows refused'
 */
import type { FileResult, LoadSummary, RecordKind } from './load.js';

const count = (n: number) => n.toLocaleString('en-US');
const plural = (n: number, one: string, many: string) => `${count(n)} ${n === 1 ? one : many}`;

const LOADED: Record<RecordKind, [string, string]> = {
  conversation: ['conversation', 'conversations'],
  agents: ['agent', 'agents'],
  outcomes: ['customer outcome', 'customer outcomes'],
};

/** What one refused record of a file is, by the file's format and kind. */
export function refusedUnit(file: Pick<FileResult, 'format' | 'kind'>): [string, string] {
  switch (file.format) {
    case 'servicenow':
      return ['audit row', 'audit rows'];
    case 'twcs':
      return ['tweet', 'tweets'];
    case 'zendesk':
    case 'intercom':
    case 'chatwoot':
      return [`${file.format} record`, `${file.format} records`];
  }
  if (file.kind === 'agents') return ['agent record', 'agent records'];
  if (file.kind === 'outcomes') return ['customer outcome record', 'customer outcome records'];
  return ['conversation record', 'conversation records'];
}

function list(parts: string[]): string {
  return parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}

/** "loaded 20,769 conversations" / "loaded 50,000 conversations, 40 agents and 9,847 customer outcomes". */
export function loadedText(s: Pick<LoadSummary, 'loadedByKind' | 'perFile'>): string {
  const kinds = new Set(s.perFile.map((f) => f.kind));
  const parts = (Object.keys(LOADED) as RecordKind[]).filter((k) => kinds.has(k) || s.loadedByKind[k] > 0).map((k) => plural(s.loadedByKind[k], ...LOADED[k]));
  return `loaded ${list(parts.length ? parts : [plural(0, ...LOADED.conversation)])}`;
}

/** "5 audit rows refused", summed per unit over the files; '' when none was. */
export function refusedText(s: Pick<LoadSummary, 'perFile'>): string {
  const byUnit = new Map<string, { n: number; unit: [string, string] }>();
  for (const f of s.perFile) {
    if (!f.quarantined) continue;
    const unit = refusedUnit(f);
    const e = byUnit.get(unit[1]) ?? { n: 0, unit };
    e.n += f.quarantined;
    byUnit.set(unit[1], e);
  }
  const parts = [...byUnit.values()].map((e) => plural(e.n, ...e.unit));
  return parts.length ? `${list(parts)} refused` : '';
}
