import { describe, expect, it } from 'vitest';
import { topicWords } from './topic-words.js';

describe('topicWords', () => {
  it('leaves out what repeats the name or a word shown before, as whole words', () => {
    expect(
      topicWords('charged the difference immediately', [
        'charged the difference',
        'difference',
        'charged the difference immediately',
        'difference immediately',
        'immediately',
        'billing cycle',
      ]),
    ).toEqual(['billing cycle']);
    expect(topicWords('cancel order', ['cancel', 'writing', 'confirm', 'confirm in writing', 'confirm in writing that i will not be charged', 'refund'])).toEqual([
      'writing',
      'confirm',
      'refund',
    ]);
    // "card" is no word of "cardboard"
    expect(topicWords('card', ['card', 'cardboard', 'Card'])).toEqual(['cardboard']);
  });

  it('shows at most five', () => {
    expect(topicWords('delivery address', ['address', 'a', 'b', 'c', 'd', 'e', 'f'])).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
});
