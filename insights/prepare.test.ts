import { describe, expect, it } from 'vitest';
import { TextCache } from './prepare.js';

describe('TextCache', () => {
  it('analyses a repeated text once, and again when the author’s name is in it', () => {
    const c = new TextCache(10);
    const body = 'Hi this is Maria, my parcel is late';
    // "Maria" is a word of the text for Ada; "hi this is" are stop words; the comma ends a sentence
    expect(c.analyse(body, 'Ada Lovelace').terms).toEqual(['maria', 'parcel', 'parcel late', 'late']);
    // the same text from Maria Silva: her name is masked, and a placeholder is never a term
    expect(c.analyse(body, 'Maria Silva').terms).toEqual(['parcel', 'parcel late', 'late']);
    expect(c.analyse(body, null).terms).toEqual(['maria', 'parcel', 'parcel late', 'late']);
    expect([c.hits, c.misses]).toEqual([2, 1]);
  });

  it('keeps each term once, first seen first, with every (word, stem) pair as written', () => {
    const c = new TextCache(10);
    const r = c.analyse('Refund please, refund now! Refunded?', null);
    expect(r.terms).toEqual(['refund']);
    expect(r.words).toEqual(['refund', 'refund', 'refund', 'refund', 'refunded', 'refund']);
    // "ridiculous" −3 over six words
    expect(c.analyse('This is ridiculous, I am waiting', null).score).toBeCloseTo(-3 / 6, 10);
  });

  it('forgets the texts not seen lately (memory stays bounded)', () => {
    // two generations of two texts each
    const c = new TextCache(4);
    for (const t of ['one parcel', 'two parcels', 'three parcels', 'one parcel']) c.analyse(t, null);
    // young [three, one] after "one" moved up from the old generation; old [one, two]
    expect([c.hits, c.misses]).toEqual([1, 3]);
    for (const t of ['four parcels', 'five parcels', 'two parcels', 'one parcel']) c.analyse(t, null);
    // "four" made [three, one] old and dropped [one, two]; "two", missed, made [four, five] old: "one" was forgotten too
    expect([c.hits, c.misses]).toEqual([1, 7]);
  });
});
