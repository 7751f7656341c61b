import { describe, expect, it } from 'vitest';
import type { FileResult } from './load.js';
import { loadedText, refusedText } from './summary-text.js';

const file = (f: Partial<FileResult> & Pick<FileResult, 'kind' | 'format' | 'loaded' | 'quarantined'>): FileResult => ({
  file: 'x',
  read: f.loaded + f.quarantined,
  checksum: null,
  bytes: null,
  seconds: 0,
  problem: null,
  ...f,
});
const byKind = (files: FileResult[]) => ({
  conversation: files.filter((f) => f.kind === 'conversation').reduce((n, f) => n + f.loaded, 0),
  agents: files.filter((f) => f.kind === 'agents').reduce((n, f) => n + f.loaded, 0),
  outcomes: files.filter((f) => f.kind === 'outcomes').reduce((n, f) => n + f.loaded, 0),
});

describe('a load summary in words', () => {
  it('counts the demo in its units: 50,000 conversations and 40 agents, not 50,040 conversations', () => {
    const perFile = [
      file({ kind: 'conversation', format: 'canonical', loaded: 50_000, quarantined: 0 }),
      file({ kind: 'agents', format: 'agents', loaded: 40, quarantined: 0 }),
      file({ kind: 'outcomes', format: 'outcomes', loaded: 24_611, quarantined: 0 }),
    ];
    expect(loadedText({ perFile, loadedByKind: byKind(perFile) })).toBe('loaded 50,000 conversations, 40 agents and 24,611 customer outcomes');
    expect(refusedText({ perFile })).toBe('');
  });

  it('says that every ServiceNow incident loaded and 5 audit rows were refused, not "20,769 of 20,774 records"', () => {
    const perFile = [file({ kind: 'conversation', format: 'servicenow', loaded: 20_769, quarantined: 5 })];
    expect(loadedText({ perFile, loadedByKind: byKind(perFile) })).toBe('loaded 20,769 conversations');
    expect(refusedText({ perFile })).toBe('5 audit rows refused');
  });

  it('names each unit of what was refused, one and many', () => {
    const perFile = [
      file({ kind: 'conversation', format: 'twcs', loaded: 1312, quarantined: 1 }),
      file({ kind: 'conversation', format: 'canonical', loaded: 2, quarantined: 3 }),
      file({ kind: 'agents', format: 'agents', loaded: 1, quarantined: 1 }),
    ];
    expect(loadedText({ perFile, loadedByKind: byKind(perFile) })).toBe('loaded 1,314 conversations and 1 agent');
    expect(refusedText({ perFile })).toBe('1 tweet, 3 conversation records and 1 agent record refused');
  });
});
