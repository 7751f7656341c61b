import { describe, expect, it } from 'vitest';
import { enoughValues, hiddenNote, inferredCaveat, restsOnResolutions, sampleCaveat, shownValue } from './caveats.js';

describe('the caveat rule', () => {
  it('hides a figure over fewer than 10 values and says why; 10 are enough', () => {
    expect(enoughValues(9)).toBe(false);
    expect(enoughValues(10)).toBe(true);
    expect(shownValue(88.4, 3)).toBeNull();
    expect(shownValue(88.4, 10)).toBe(88.4);
    expect(sampleCaveat(3, 'review')).toEqual({ kind: 'sample', text: '3 reviews: fewer than 10 reviews hide a score.', short: '3 reviews: fewer than 10 reviews hide a score.' });
    expect(sampleCaveat(1, 'review')!.text).toBe('1 review: fewer than 10 reviews hide a score.');
    expect(sampleCaveat(5, 'conversation')!.text).toBe('5 conversations: fewer than 10 conversations hide a rate or a median.');
    // enough, or nothing at all: no caveat
    expect(sampleCaveat(10, 'review')).toBeNull();
    expect(sampleCaveat(0, 'review')).toBeNull();
    expect(hiddenNote('review')).toBe(`"–" where fewer than 10 reviews stand behind a figure: too few to judge (the catalogue's minimum sample).`);
    expect(hiddenNote('conversation')).toBe(
      `"–" where fewer than 10 conversations (for a survey score, fewer than 10 answers) stand behind a figure: too few to judge (the catalogue's minimum sample).`,
    );
  });

  it('flags figures built on resolutions where a quarter or more of them are inferred', () => {
    // the Twitter sample: 996 of 1,000 resolutions inferred
    const twitter = inferredCaveat(['fcr_rate', 'reopen_rate'], { resolved: 1000, inferred: 996 });
    expect(twitter).toEqual({
      kind: 'inferred',
      text:
        '99.6% of these 1,000 resolutions are inferred: the export has no status events, so a conversation counts as resolved at its last reply. ' +
        'Re-opens cannot be seen there, so first contact resolution reads high and the re-open rate low.',
      short: '99.6% of resolutions inferred (no status events): re-opens unseen, FCR reads high',
    });
    // one in four: flagged; fewer (the demo's 11%): not
    expect(inferredCaveat(['fcr_rate'], { resolved: 200, inferred: 50 })!.text.startsWith('25.0% of these 200 resolutions')).toBe(true);
    expect(inferredCaveat(['fcr_rate'], { resolved: 200, inferred: 49 })).toBeNull();
    expect(inferredCaveat(['fcr_rate'], { resolved: 1000, inferred: 110 })).toBeNull();
    // a figure built on resolutions but not on re-opens: the general words
    expect(inferredCaveat(['full_resolution_s_median'], { resolved: 1000, inferred: 996 })).toEqual({
      kind: 'inferred',
      text: '99.6% of these 1,000 resolutions are inferred: the export has no status events, so a conversation counts as resolved at its last reply. Figures built on resolutions rest on that guess.',
      short: '99.6% of resolutions inferred (no status events)',
    });
    // figures that do not rest on resolutions: no caveat, whatever the share
    expect(inferredCaveat(['conversations', 'first_response_s_median', 'csat_rate'], { resolved: 1000, inferred: 1000 })).toBeNull();
    expect(inferredCaveat(['fcr_rate'], { resolved: 0, inferred: 0 })).toBeNull();
  });

  it('reads the catalogue for which figures rest on resolutions, by metric or summary field', () => {
    expect(restsOnResolutions('fcr_rate')).toBe(true);
    expect(restsOnResolutions('reopen_rate')).toBe(true);
    expect(restsOnResolutions('first_response_s_median')).toBe(false);
    expect(restsOnResolutions('csat_rate')).toBe(false);
    expect(restsOnResolutions('not_a_metric')).toBe(false);
  });
});
