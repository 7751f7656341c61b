/**
 * Roles and what each may do. Every server load and form action asks
 * {@link can} (through `requirePermission` in lib/server/auth.ts); components only
 * use it to hide links a person could not follow anyway.
 *
 * @example
 *   can('reviewer', 'grade'); // true
 *   can('agent', 'viewAllScorecards'); // false
 */
import type { Role } from '../../accounts/roles.js';

export type Permission =
  /** overview, metric pages, aggregate breakdowns */
  | 'viewMetrics'
  /** conversation lists and threads (message bodies: customer data) */
  | 'viewConversations'
  /** the QA workspace: queue, rubric form, calibration */
  | 'grade'
  /** any agent's scorecard */
  | 'viewAllScorecards'
  /** coaching notes */
  | 'coach'
  /** answering disputes */
  | 'resolveDisputes'
  /** the load log and the quarantine */
  | 'viewData'
  /** pain points (product sees them without customer identities) */
  | 'viewPainPoints'
  /** the Planning page: volume forecast and staffing */
  | 'viewPlanning'
  /** the SLA page: attainment, breaches, what is about to breach */
  | 'viewSla'
  /** the Alerts page: what the alert rules fired */
  | 'viewAlerts'
  /** the live operations page: open now, who waits, agent load, SLA countdowns */
  | 'viewLive'
  /** curating pain-point topics: rename, merge, split off, hide, pin a term */
  | 'curateTopics'
  /** the accounts page: add, disable, remove accounts, set passwords, end login sessions */
  | 'manageAccounts'
  /** entering and removing the dated annotations of the trend charts (releases, outages, policy changes) */
  | 'annotate';

const GRANTS: Record<Role, readonly Permission[]> = {
  admin: [
    'viewMetrics',
    'viewConversations',
    'grade',
    'viewAllScorecards',
    'coach',
    'resolveDisputes',
    'viewData',
    'viewPainPoints',
    'viewPlanning',
    'viewSla',
    'viewLive',
    'curateTopics',
    'manageAccounts',
    'viewAlerts',
    'annotate',
  ],
  supervisor: [
    'viewMetrics',
    'viewConversations',
    'grade',
    'viewAllScorecards',
    'coach',
    'resolveDisputes',
    'viewPainPoints',
    'viewPlanning',
    'viewSla',
    'viewLive',
    'curateTopics',
    'viewAlerts',
    'annotate',
  ],
  reviewer: ['viewMetrics', 'viewConversations', 'grade'],
  leadership: ['viewMetrics', 'viewAllScorecards', 'viewPainPoints', 'viewPlanning', 'viewSla', 'viewAlerts'],
  product: ['viewMetrics', 'viewPainPoints', 'curateTopics'],
  agent: [],
};

/** True when `role` holds `permission`. */
export function can(role: Role, permission: Permission): boolean {
  return GRANTS[role].includes(permission);
}
