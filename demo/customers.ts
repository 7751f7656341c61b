/**
 * The demo customer pool. A customer's attributes follow from the seed and the
 * customer's number alone, so the pool never has to be held in memory and a
 * customer looks the same in every conversation.
 */
import { createRng, hash32 } from './random.js';
import { FIRST_NAMES, LAST_NAMES } from './vocabulary.js';

export type Segment = 'consumer' | 'smb' | 'enterprise';
export type Region = 'EMEA' | 'AMER';

export interface DemoCustomer {
  id: string;
  segment: Segment;
  locale: string;
  region: Region;
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  /** Currency symbol used in amounts. */
  currency: string;
  /** The company of a business customer (smb, enterprise): "<last name> & Co", whose domain their e-mail has; none for a consumer. */
  account?: string;
}

interface LocaleInfo {
  locale: string;
  weight: number;
  region: Region;
  currency: string;
  phone: (n: number) => string;
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

// Phone numbers come from ranges reserved for fiction where they exist.
const LOCALES: readonly LocaleInfo[] = [
  { locale: 'en-GB', weight: 20, region: 'EMEA', currency: '£', phone: (n) => `+44 7700 900${pad(n % 1000, 3)}` },
  { locale: 'en-US', weight: 24, region: 'AMER', currency: '$', phone: (n) => `+1 (202) 555-01${pad(n % 100, 2)}` },
  { locale: 'de-DE', weight: 14, region: 'EMEA', currency: '€', phone: (n) => `+49 151 5550${pad(n % 10000, 4)}` },
  { locale: 'fr-FR', weight: 10, region: 'EMEA', currency: '€', phone: (n) => `+33 6 39 98 ${pad(n % 100, 2)} ${pad((n >> 7) % 100, 2)}` },
  { locale: 'es-ES', weight: 7, region: 'EMEA', currency: '€', phone: (n) => `+34 600 555 ${pad(n % 1000, 3)}` },
  { locale: 'nl-NL', weight: 6, region: 'EMEA', currency: '€', phone: (n) => `+31 6 5555 ${pad(n % 10000, 4)}` },
  { locale: 'it-IT', weight: 5, region: 'EMEA', currency: '€', phone: (n) => `+39 333 555 ${pad(n % 10000, 4)}` },
  { locale: 'pt-BR', weight: 6, region: 'AMER', currency: 'R$', phone: (n) => `+55 11 95555-${pad(n % 10000, 4)}` },
  { locale: 'en-CA', weight: 5, region: 'AMER', currency: '$', phone: (n) => `+1 613 555 01${pad(n % 100, 2)}` },
  { locale: 'pl-PL', weight: 3, region: 'EMEA', currency: '€', phone: (n) => `+48 500 555 ${pad(n % 1000, 3)}` },
];
const LOCALE_TOTAL = LOCALES.reduce((s, l) => s + l.weight, 0);

const DOMAINS = ['example.com', 'example.net', 'example.org', 'mail.example.com'] as const;

function ascii(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();
}

const ASCII_FIRST = FIRST_NAMES.map(ascii);
const ASCII_LAST = LAST_NAMES.map(ascii);

/**
 * Customer number `index` of the pool of `poolSize` for the given seed. Low
 * numbers are the frequent contacts and more often business accounts.
 *
 * @example
 * demoCustomer(42, 123, 1000).id // 'cus_000123'
 */
export function demoCustomer(seed: number, index: number, poolSize: number): DemoCustomer {
  const rng = createRng(hash32(seed ^ 0x5eed, index));
  const rank = index / Math.max(1, poolSize);
  const r = rng.next();
  const segment: Segment = rank < 0.01 ? (r < 0.4 ? 'enterprise' : r < 0.8 ? 'smb' : 'consumer') : r < 0.05 ? 'enterprise' : r < 0.23 ? 'smb' : 'consumer';
  let x = rng.next() * LOCALE_TOTAL;
  let info = LOCALES[0] as LocaleInfo;
  for (const l of LOCALES) {
    x -= l.weight;
    if (x < 0) {
      info = l;
      break;
    }
  }
  const fi = rng.int(0, FIRST_NAMES.length - 1);
  const li = rng.int(0, LAST_NAMES.length - 1);
  const firstName = FIRST_NAMES[fi] as string;
  const lastName = LAST_NAMES[li] as string;
  const n = rng.int(0, 99_999);
  const domain = segment === 'consumer' ? rng.pick(DOMAINS) : `${ASCII_LAST[li]}-co.example`;
  const local = rng.chance(0.5) ? `${ASCII_FIRST[fi]}.${ASCII_LAST[li]}` : `${ASCII_FIRST[fi]}${n % 1000}`;
  return {
    id: `cus_${pad(index, 6)}`,
    segment,
    locale: info.locale,
    region: info.region,
    firstName,
    lastName,
    email: `${local}@${domain}`,
    phone: info.phone(n),
    currency: info.currency,
    // from the name already drawn (no draw of its own: every other generated value stays as it was)
    ...(segment === 'consumer' ? {} : { account: `${lastName} & Co` }),
  };
}
