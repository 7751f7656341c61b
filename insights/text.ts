/**
 * Text preparation for insights: PII masking, tokenising, stop words,
 * stemming and phrases (bigrams, trigrams) over public customer messages.
 *
 * Personal data never becomes a term: e-mail addresses, URLs, handles,
 * card-like and phone-like numbers, order/tracking references, street
 * addresses with a house number and the
 * author's own name are replaced by a placeholder (`[email]`, `[phone]`…)
 * before anything is tokenised, placeholders end a phrase, and a token that
 * holds a digit is never a term (except a bare three-digit code such as an
 * HTTP error `502`).
 *
 * Stemming is natural's Porter stemmer, memoised; a term is the stems of one
 * to three consecutive content words of one sentence, joined by a space
 * (`card declin`). {@link SurfaceForms} turns a stemmed term back into the
 * words people wrote (`card declined`).
 */
import { PorterStemmer } from 'natural/lib/natural/stemmers/index.js';
import { STOP_WORDS } from './stop-words.js';

const HTML_TAG_RE = /<\/?[a-z][^<>]{0,200}>/gi;
const URL_RE = /\b(?:https?:\/\/|www\.)[^\s<>"]+/gi;
const EMAIL_RE = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu;
const HANDLE_RE = /(^|[^\p{L}\p{N}_])@[\p{L}\p{N}_]{1,30}/gu;
// 13–19 digits, optionally grouped by spaces or dashes: a payment card number
const CARD_RE = /\b(?:\d[ -]?){12,18}\d\b/g;
// 7–15 digits with phone punctuation, optionally +country code
const PHONE_RE = /(?:\+|\b)\d(?:[\d ().-]{5,18})\d\b/g;
// order, ticket and tracking references: #12345, A-10442, 1Z999AA1, INV-2025-48211 (letters and digits mixed)
const REF_RE = /#\s?[\p{L}\p{N}-]*\p{N}[\p{L}\p{N}-]*|\b(?=[\p{L}-]*\p{N})(?=[\p{N}-]*[\p{L}])[\p{L}\p{N}][\p{L}\p{N}-]{4,}\b/gu;
// other long digit runs (postcodes, account and ticket numbers)
const LONG_NUMBER_RE = /\b\p{N}{5,}\b/gu;
// street addresses with a house number: "12 Baker Street", "1600 Oak Rd", "Hauptstraße 5", "Keizersgracht 101",
// "Calle Mayor 18", "Via Roma 3", "7 Rue de la Paix" (a street's words are never a term: Porter stems "Calle" to "call")
const PARTICLE = '(?:de|del|la|las|los|le|les|du|des|da|do|dos|das|di|della|dei|van|von|der|den)';
const NAME_PART = `(?:[\\p{Lu}][\\p{L}'’.-]*|${PARTICLE}(?=(?:\\s+${PARTICLE})*\\s+[\\p{Lu}]))`;
const STREET_BEFORE = '(?:Calle|Carrer|Avenida|Avda\\.?|Rua|Via|Viale|Piazza|Corso|Rue|Avenue|Boulevard|Plaza|Paseo|Praça|Largo|Ulica|ul\\.)';
const STREET_AFTER = '(?:Street|St|Avenue|Ave|Road|Rd|Lane|Ln|Drive|Dr|Boulevard|Blvd|Way|Court|Ct|Place|Pl|Terrace|Close|Crescent|Square|Sq)\\b\\.?';
const STREET_WORD = '[\\p{Lu}][\\p{L}-]*(?:straße|strasse|str\\.|gasse|weg|platz|gracht|laan|straat|plein|allee|damm|kade)';
const HOUSE = '\\d{1,5}[a-zA-Z]?\\b';
const ADDRESS_RE = new RegExp(
  [
    `\\b${HOUSE},?\\s+(?:${NAME_PART}\\s+){1,3}${STREET_AFTER}`,
    `(?:\\b${HOUSE},?\\s+)?\\b${STREET_BEFORE}\\s+(?:${NAME_PART}\\s+){0,3}${NAME_PART}(?:,?\\s+${HOUSE})?`,
    `\\b${STREET_WORD}\\s+${HOUSE}`,
  ].join('|'),
  'gu',
);

function digits(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
}

/**
 * Replaces personal data in `text` by placeholders. `names` are the author's
 * own names (first and last name are masked separately; words shorter than
 * two letters are ignored).
 *
 * @example
 *   maskPii('Mail me at ada@example.com or call +44 20 7946 0958, Ada', ['Ada Lovelace'])
 *   // 'Mail me at [email] or call [phone], [name]'
 */
export function maskPii(text: string, names: readonly (string | null | undefined)[] = []): string {
  return maskNames(maskPatterns(text), names);
}

/**
 * The first half of {@link maskPii}: every pattern (HTML, URLs, e-mails,
 * handles, cards, phones, references, long numbers), not the names.
 * `maskNames(maskPatterns(t), names)` is `maskPii(t, names)`.
 */
export function maskPatterns(text: string): string {
  let out = text;
  // each pattern runs only when its telltale character is there: most messages have none
  if (out.includes('<') || out.includes('&')) out = out.replace(HTML_TAG_RE, ' ').replace(/&(?:amp|lt|gt|quot|nbsp|#\d+);/g, ' ');
  if (out.includes('http') || out.includes('www.')) out = out.replace(URL_RE, '[url]');
  if (out.includes('@')) out = out.replace(EMAIL_RE, '[email]').replace(HANDLE_RE, (_m, pre: string) => `${pre}[handle]`);
  if (HAS_DIGIT.test(out)) {
    out = out
      .replace(ADDRESS_RE, (m) => (HAS_DIGIT.test(m) ? '[address]' : m))
      .replace(REF_RE, '[ref]')
      .replace(CARD_RE, (m) => (digits(m) >= 13 ? '[card]' : m))
      .replace(PHONE_RE, (m) => {
        const n = digits(m);
        return n >= 7 && n <= 15 ? '[phone]' : m;
      })
      .replace(LONG_NUMBER_RE, '[ref]');
  }
  return out;
}

/**
 * The second half of {@link maskPii}: the author's own names in a text that
 * went through {@link maskPatterns}. Returns `text` itself (the same string)
 * when no name is in it.
 */
export function maskNames(text: string, names: readonly (string | null | undefined)[] = []): string {
  let out = text;
  let parts: Set<string> | undefined;
  let lower: string | undefined;
  for (const name of names) {
    if (!name) continue;
    for (const part of name.toLowerCase().split(/[\s,]+/)) {
      if (part.length < 2) continue;
      lower ??= out.toLowerCase();
      // a cheap substring check first: most messages do not hold the author's name
      if (lower.includes(part)) (parts ??= new Set()).add(part);
    }
  }
  if (parts) {
    const found = parts;
    out = out.replace(NAME_WORD_RE, (w) => (found.has(w.toLowerCase()) ? '[name]' : w));
  }
  return out;
}

const HAS_DIGIT = /\d/;
const NAME_WORD_RE = /[\p{L}\p{M}][\p{L}\p{M}'’-]*/gu;

// A sentence ends at punctuation, a line break or a placeholder; phrases never cross it. The
// placeholder is captured, so that the words just before it can be told apart (POINTER_WORDS).
const SEGMENT_RE = /(\[(?:url|email|handle|card|phone|ref|name|address)\])|[.!?;:,()"“”«»\n\r\t[\]{}<>|/\\…]+/;
/**
 * Words that only point at the number or placeholder after them ("card ending [card]",
 * "order number 4411", "last four digits 1234"): right before a placeholder or a word with
 * digits they are masking leftovers, never part of a term.
 */
export const POINTER_WORDS: ReadonlySet<string> = new Set(['ending', 'ends', 'end', 'number', 'numbers', 'no', 'nr', 'num', 'ref', 'reference', 'id', 'digits']);
const WORD_RE = /\p{N}+(?:[.,]\p{N}+)+|[\p{L}\p{N}][\p{L}\p{N}\p{M}'’_-]*[\p{L}\p{N}]|[\p{L}\p{N}]/gu;
const THREE_DIGITS = /^\d{3}$/;
// amounts and decimals (£146.95, 12,50 €, 3.5) are never terms and end a phrase
const AMOUNT_RE = /[£$€¥]\s?\p{N}[\p{N}.,]*|\p{N}+(?:[.,]\p{N}+)+(?:\s?[€£$])?|\p{N}+\s?[€£$]/gu;

/**
 * Lower-cased word tokens of a (masked) text, in order; apostrophes are
 * normalised and possessive `'s` dropped. Numbers are kept as tokens here
 * (sentiment counts them as words); {@link terms} drops them.
 *
 * @example
 *   tokenize("Where's my parcel?? It's been 5 days") // ["where's", 'my', 'parcel', "it's", 'been', '5', 'days']
 */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const m of text.toLowerCase().matchAll(WORD_RE)) {
    let w = m[0].replace(/’/g, "'");
    if (w.endsWith("'s") && !STOP_WORDS.has(w)) w = w.slice(0, -2);
    w = w.replace(/'+$/, '');
    if (w) out.push(w);
  }
  return out;
}

const stemCache = new Map<string, string>();
const STEM_CACHE_MAX = 200_000;

/** natural's Porter stem of a lower-case word, memoised. */
export function stem(word: string): string {
  let s = stemCache.get(word);
  if (s === undefined) {
    s = PorterStemmer.stem(word);
    if (stemCache.size < STEM_CACHE_MAX) stemCache.set(word, s);
  }
  return s;
}

/** Is this token a content word (can be part of a term)? */
export function isContentWord(token: string): boolean {
  if (STOP_WORDS.has(token)) return false;
  const c = token.charCodeAt(0);
  if (c >= 48 && c <= 57) return THREE_DIGITS.test(token);
  // a word with a digit inside is a reference, never a term; one letter is noise
  return token.length > 1 && !/\d/.test(token);
}

/** Options of {@link terms}. */
export interface TermOptions {
  /** Longest phrase in words (1–3); default 3. */
  maxN?: number;
  /** Called with each content word and its stem (for {@link SurfaceForms}). */
  onWord?: (word: string, stemmed: string) => void;
  /** The text went through {@link maskPii} already (saves masking twice). */
  masked?: boolean;
  /**
   * When given, receives for each term (same index as the result) the words as written, from its
   * first to its last content word, stop words between them included (`tracking number not updated`).
   */
  surfaces?: string[];
}

/**
 * The terms of one text: stems of single content words and of two- and
 * three-word phrases within a sentence, after PII masking and stop words.
 * A word that only points at a placeholder or a number ({@link POINTER_WORDS},
 * "ending" in "card ending [card]") is not a content word there.
 * Duplicates are kept (callers count or de-duplicate).
 *
 * @example
 *   terms('Hi, my card keeps getting declined! Error code 502.')
 *   // ['card', 'keep', 'get', 'declin', 'card keep', …, 'error', 'code', '502', 'error code', 'code 502', 'error code 502']
 */
export function terms(text: string, names: readonly (string | null | undefined)[] = [], opts: TermOptions = {}): string[] {
  const maxN = opts.maxN ?? 3;
  const out: string[] = [];
  const surfaces = opts.surfaces;
  const masked = opts.masked ? text : maskPii(text, names);
  const parts = masked.replace(AMOUNT_RE, ' | ').split(SEGMENT_RE);
  // parts: segment, captured placeholder (or undefined), segment, …
  for (let p = 0; p < parts.length; p += 2) {
    const segment = parts[p];
    if (!segment) continue;
    const beforePlaceholder = parts[p + 1] !== undefined;
    const tokens = tokenize(segment);
    // a reference (a word holding digits) ends a phrase like a placeholder does
    const runs: number[][] = [[]];
    const stems: string[] = [];
    const endRun = () => {
      const run = runs[runs.length - 1]!;
      while (run.length && POINTER_WORDS.has(tokens[run[run.length - 1]!]!)) run.pop();
      if (run.length) runs.push([]);
    };
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i]!;
      stems.push('');
      if (!isContentWord(token)) {
        if (/\d/.test(token)) endRun();
        continue;
      }
      const s = stem(token);
      if (STOP_STEMS.has(s)) continue;
      stems[i] = s;
      runs[runs.length - 1]!.push(i);
    }
    if (beforePlaceholder) endRun();
    for (const run of runs) {
      for (let i = 0; i < run.length; i++) {
        const ia = run[i]!;
        const a = stems[ia]!;
        opts.onWord?.(tokens[ia]!, a);
        out.push(a);
        if (surfaces) surfaces.push(tokens[ia]!);
        if (maxN >= 2 && i + 1 < run.length) {
          const ib = run[i + 1]!;
          const b = stems[ib]!;
          if (b !== a) {
            out.push(`${a} ${b}`);
            if (surfaces) surfaces.push(tokens.slice(ia, ib + 1).join(' '));
          }
          if (maxN >= 3 && i + 2 < run.length) {
            const ic = run[i + 2]!;
            out.push(`${a} ${b} ${stems[ic]}`);
            if (surfaces) surfaces.push(tokens.slice(ia, ic + 1).join(' '));
          }
        }
      }
    }
  }
  return out;
}

// Stems of stop words too (so "thanks", "thanked" and "thanking" all go).
const STOP_STEMS = new Set([...STOP_WORDS].filter((w) => /^[a-z]+$/.test(w) && w.length > 3).map((w) => PorterStemmer.stem(w)));

/**
 * Remembers which words produced each stem, so that a stemmed term can be
 * shown as people wrote it. Memory is bounded by the number of distinct
 * content words (not phrases).
 *
 * @example
 *   const forms = new SurfaceForms();
 *   terms('card declined', [], { onWord: forms.add });
 *   forms.label('card declin') // 'card declined'
 */
export class SurfaceForms {
  private readonly counts = new Map<string, Map<string, number>>();
  private readonly best = new Map<string, string>();

  readonly add = (word: string, stemmed: string): void => {
    let m = this.counts.get(stemmed);
    if (!m) {
      if (this.counts.size >= 500_000) return;
      m = new Map();
      this.counts.set(stemmed, m);
    }
    m.set(word, (m.get(word) ?? 0) + 1);
    this.best.delete(stemmed);
  };

  /**
   * Every count, flat: stems, words and counts at the same index. What
   * {@link SurfaceForms.merge} takes, to add up the forms counted by several
   * workers of the text pass.
   */
  dump(): { stems: string[]; words: string[]; counts: number[] } {
    const out = { stems: [] as string[], words: [] as string[], counts: [] as number[] };
    for (const [s, m] of this.counts) {
      for (const [w, c] of m) {
        out.stems.push(s);
        out.words.push(w);
        out.counts.push(c);
      }
    }
    return out;
  }

  /** Adds the counts of another instance ({@link SurfaceForms.dump}). */
  merge(other: { stems: readonly string[]; words: readonly string[]; counts: readonly number[] }): void {
    for (let i = 0; i < other.stems.length; i++) {
      const stemmed = other.stems[i]!;
      let m = this.counts.get(stemmed);
      if (!m) {
        if (this.counts.size >= 500_000) continue;
        m = new Map();
        this.counts.set(stemmed, m);
      }
      const w = other.words[i]!;
      m.set(w, (m.get(w) ?? 0) + other.counts[i]!);
      this.best.delete(stemmed);
    }
  }

  /** The most frequent word for each stem of `term` (ties: the shorter, then alphabetical). */
  label(term: string): string {
    return term
      .split(' ')
      .map((s) => {
        let b = this.best.get(s);
        if (b === undefined) {
          b = s;
          let n = -1;
          for (const [w, c] of this.counts.get(s) ?? []) {
            if (c > n || (c === n && (w.length < b.length || (w.length === b.length && w < b)))) {
              b = w;
              n = c;
            }
          }
          this.best.set(s, b);
        }
        return b;
      })
      .join(' ');
  }
}
