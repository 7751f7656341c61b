/**
 * The demo support organisation: teams, human agents with fixed traits, and the
 * automated senders. The roster does not depend on the seed, so the story
 * ("Tyler Brooks is slow, Kevin Nguyen is fast but sloppy") is the same in
 * every demo data set.
 */

export const TEAMS = ['Tier 1 EMEA', 'Tier 1 Americas', 'Billing Specialists', 'Technical Support', 'Escalations'] as const;

export type Team = (typeof TEAMS)[number];

/** A human agent and the traits that drive the generated conversations. */
export interface DemoAgent {
  id: string;
  name: string;
  team: Team;
  email: string;
  /** Still on the roster at the end of the data. */
  active: boolean;
  /** Multiplier on response delays: 1 is typical, 2 is twice as slow. */
  speed: number;
  /** 0–1; lower means more reopens, transfers, longer threads and lower CSAT. */
  quality: number;
  /** Share of the team's work the agent takes (part-timers take less). */
  capacity: number;
  /** Position in the data span (0–1) at which the agent starts taking work. */
  joinsAt: number;
  /** Position in the data span (0–1) after which the agent takes no work. */
  leavesAt: number;
}

type Row = [name: string, team: Team, speed: number, quality: number, capacity?: number, joinsAt?: number, leavesAt?: number];

// prettier-ignore
const ROWS: Row[] = [
  ['Amara Okafor', 'Tier 1 EMEA', 0.7, 0.97],
  ['Lukas Becker', 'Tier 1 EMEA', 1.0, 0.88],
  ['Sofia Marino', 'Tier 1 EMEA', 0.9, 0.9],
  ['Jonas Lindqvist', 'Tier 1 EMEA', 1.1, 0.86],
  ['Chloé Dubois', 'Tier 1 EMEA', 0.95, 0.92],
  ['Yusuf Demir', 'Tier 1 EMEA', 1.8, 0.6],
  ['Hannah Schmidt', 'Tier 1 EMEA', 1.0, 0.89, 0.5],
  ['Pieter de Vries', 'Tier 1 EMEA', 1.05, 0.87, 1, 0.3],
  ['Aoife Byrne', 'Tier 1 EMEA', 0.85, 0.91],
  ['Mateo García', 'Tier 1 EMEA', 1.15, 0.84],
  ['Zofia Nowak', 'Tier 1 EMEA', 1.3, 0.8, 1, 0.55],
  ['Oliver Bennett', 'Tier 1 EMEA', 1.0, 0.85, 1, 0, 0.7],
  ['Maria Gonzalez', 'Tier 1 Americas', 0.9, 0.91],
  ['Jamal Washington', 'Tier 1 Americas', 1.0, 0.88],
  ['Emily Carter', 'Tier 1 Americas', 0.95, 0.9],
  ['Diego Ramirez', 'Tier 1 Americas', 1.1, 0.87],
  ['Priya Nair', 'Tier 1 Americas', 0.85, 0.93],
  ['Tyler Brooks', 'Tier 1 Americas', 2.2, 0.55],
  ['Camila Souza', 'Tier 1 Americas', 1.0, 0.89, 0.5],
  ['Kevin Nguyen', 'Tier 1 Americas', 0.8, 0.45],
  ['Ashley Morgan', 'Tier 1 Americas', 1.05, 0.88],
  ['Luis Hernández', 'Tier 1 Americas', 1.0, 0.86],
  ['Grace Kim', 'Tier 1 Americas', 0.75, 0.95],
  ['Brandon Scott', 'Tier 1 Americas', 1.2, 0.8, 1, 0, 0.45],
  ['Fatima Haddad', 'Billing Specialists', 0.9, 0.93],
  ['Daniel Cohen', 'Billing Specialists', 1.0, 0.9],
  ['Ingrid Johansson', 'Billing Specialists', 0.95, 0.91],
  ['Raj Patel', 'Billing Specialists', 1.1, 0.88],
  ['Nora Fischer', 'Billing Specialists', 2.0, 0.7],
  ['Samuel Adeyemi', 'Billing Specialists', 1.0, 0.89, 0.6],
  ['Wei Zhang', 'Technical Support', 0.8, 0.96],
  ['Elena Petrova', 'Technical Support', 1.0, 0.9],
  ['Marcus Johnson', 'Technical Support', 1.2, 0.85],
  ['Aisha Rahman', 'Technical Support', 0.9, 0.92],
  ['Tomás Silva', 'Technical Support', 1.1, 0.87],
  ['Julia Kowalski', 'Technical Support', 1.6, 0.65],
  ['Catherine Moreau', 'Escalations', 1.0, 0.94],
  ['Hiroshi Tanaka', 'Escalations', 0.9, 0.95],
  ['Rebecca Lawson', 'Escalations', 1.1, 0.9],
  ['Ahmed Mansour', 'Escalations', 1.0, 0.92],
];

function emailOf(name: string): string {
  const plain = name.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  return `${plain.replace(/ /g, '.')}@parley-demo.example`;
}

/**
 * The fixed demo roster of 40 human agents.
 *
 * @example
 * DEMO_AGENTS.filter((a) => a.team === 'Escalations').length // 4
 */
export const DEMO_AGENTS: readonly DemoAgent[] = ROWS.map(([name, team, speed, quality, capacity = 1, joinsAt = 0, leavesAt = 1], i) => ({
  id: `agt_${String(i + 1).padStart(3, '0')}`,
  name,
  team,
  email: emailOf(name),
  active: leavesAt >= 1,
  speed,
  quality,
  capacity,
  joinsAt,
  leavesAt,
}));

/** First name of an agent, as used in greetings. */
export function firstName(agent: DemoAgent): string {
  return agent.name.split(' ')[0] ?? agent.name;
}

/** The chatbot that greets chat, in-app and WhatsApp conversations. */
export const BOT = { role: 'bot', id: 'bot_parley', name: 'Parley Assistant' } as const;

/** The e-mail auto-acknowledgement sender. */
export const AUTO_REPLY = { role: 'bot', id: 'bot_autoreply', name: 'Auto-reply' } as const;
