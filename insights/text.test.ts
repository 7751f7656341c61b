import { describe, expect, it } from 'vitest';
import { maskPii, terms, tokenize, SurfaceForms } from './text.js';
import { sentimentLabel, sentimentScore } from './sentiment.js';

describe('maskPii', () => {
  it('masks e-mail addresses, URLs, handles, phone and card numbers, references and the author name', () => {
    const text =
      'Hi @acme_support, I am Ada Lovelace (ada.lovelace+shop@example.co.uk). Call +44 20 7946 0958 or 030 1234567. ' +
      'Card 4111 1111 1111 1111 was charged for order #A-10442, tracking 1Z999AA10123456784. See https://shop.example.com/o?id=9.';
    const masked = maskPii(text, ['Ada Lovelace']);
    expect(masked).toBe('Hi [handle], I am [name] [name] ([email]). Call [phone] or [phone]. ' + 'Card [card] was charged for order [ref], tracking [ref]. See [url]');
  });

  it('masks street addresses with a house number, in English, German, Dutch, Spanish, Italian and French word order', () => {
    expect(maskPii('Delivery address is 12 Baker Street, Berlin.')).toBe('Delivery address is [address], Berlin.');
    expect(maskPii('Ship it to 1600 Oak Rd or 221 Elm Ave')).toBe('Ship it to [address] or [address]');
    expect(maskPii('New address: Hauptstraße 5 / Keizersgracht 101')).toBe('New address: [address] / [address]');
    expect(maskPii('It should be Calle Mayor 18, not Via Roma 3.')).toBe('It should be [address], not [address].');
    expect(maskPii('Send it to 7 Rue de la Paix please')).toBe('Send it to [address] please');
    // "Calle" would stem to "call": no street's words become a term ("name" is a stop word)
    expect(terms('Typo in my street name, it should be Calle Mayor 18.')).toEqual(['typo', 'typo street', 'street']);
  });

  it('leaves phrases with numbers that are no address alone', () => {
    for (const text of ['I paid via PayPal 3 times', 'I called 3 times, Way too long', 'Can we add 5 more seats to our Pro plan?', 'I ordered 2 Pixel Photo Frames']) {
      expect(maskPii(text)).toBe(text);
    }
  });

  it('leaves ordinary numbers, amounts and error codes alone', () => {
    expect(maskPii('I paid £146.95 twice, error code 502, 3 days ago')).toBe('I paid £146.95 twice, error code 502, 3 days ago');
  });

  it('strips HTML tags and entities', () => {
    expect(maskPii('Not resolved<br/>at all &amp; <b>angry</b>').replace(/\s+/g, ' ')).toBe('Not resolved at all angry ');
  });
});

describe('tokenize', () => {
  it('lower-cases, keeps contractions, drops possessive s', () => {
    expect(tokenize("Where's my parcel?? The courier's van, it's been 5 days")).toEqual(["where's", 'my', 'parcel', 'the', 'courier', 'van', "it's", 'been', '5', 'days']);
  });
});

describe('terms', () => {
  it('stems content words and builds bigrams and trigrams within a sentence, without stop words or boilerplate', () => {
    const t = terms('Hi there, thanks! My card keeps getting declined. Error code 502.');
    expect(t).toContain('card');
    expect(t).toContain('declin');
    expect(t).toContain('card keep');
    expect(t).toContain('error code 502');
    // no phrase across a sentence end, no greeting, thanks or stop word
    expect(t).not.toContain('declin error');
    for (const w of ['hi', 'thank', 'there', 'my', 'get']) expect(t).not.toContain(w);
  });

  it('never turns personal data into a term', () => {
    const t = terms('Email me at jane.doe@example.com or call 07700 900123, card 5500-0000-0000-0004, @janedoe, order #88213, I am Jane Doe', ['Jane Doe']);
    const all = t.join(' ');
    for (const bit of ['jane', 'doe', 'example', '07700', '900123', '5500', '0004', 'janedo', '88213', 'email me']) expect(all).not.toContain(bit);
    expect(t).toContain('order');
  });

  it('never makes a term of a placeholder, an amount or an invoice number', () => {
    expect(terms('Call me on +49 151 2345678, or mail me: a@b.io')).toEqual(['call', 'mail']);
    expect(terms('I was charged £146.95 twice for invoice INV-2025-48211')).toEqual(['charg', 'twice', 'twice invoic', 'invoic']);
  });

  it('drops words that hold digits (references) but keeps three-digit codes', () => {
    expect(terms('Error E_SYNC42 and error 404 again')).toEqual(['error', 'error', 'error 404', '404']);
  });

  it('drops the words that only point at a masked or numeric reference ("card ending [card]")', () => {
    // "ending" before 4417 and before the placeholder is a masking leftover; "card" stays a term
    expect(terms('My card ending 4417 was declined')).toEqual(['card', 'declin']);
    expect(terms('Card ending [card] is blocked', [], { masked: true })).toEqual(['card', 'block']);
    expect(terms('My card number 5500-0000-0000-0004 please')).toEqual(['card']);
  });

  it('gives each term the words as written, stop words between its words included', () => {
    const surfaces: string[] = [];
    expect(terms('The tracking number is not updated', [], { surfaces })).toEqual(['track', 'track number', 'track number updat', 'number', 'number updat', 'updat']);
    expect(surfaces).toEqual(['tracking', 'tracking number', 'tracking number is not updated', 'number', 'number is not updated', 'updated']);
  });

  it('shows stemmed terms as people wrote them', () => {
    const forms = new SurfaceForms();
    terms('My card was declined. Card declined again, cards declined!', [], { onWord: forms.add });
    expect(forms.label('card declin')).toBe('card declined');
  });
});

describe('sentiment', () => {
  it('scores angry messages negative and thanks positive', () => {
    expect(sentimentLabel(sentimentScore('This is ridiculous, terrible service, I have been waiting for ages.'))).toBe('negative');
    expect(sentimentLabel(sentimentScore('Perfect, thank you so much!'))).toBe('positive');
    expect(sentimentLabel(sentimentScore('My order number is [ref]'))).toBe('neutral');
    expect(sentimentScore('')).toBe(0);
  });
});
