// What an admin may do (DESIGN.md §3); every route names the one it needs.
export const policyActions = [
  'eventhandling_read',
  'eventhandling_write',
  'auditlog_read',
  'auditlog_write',
  'policy_read',
  'policy_write',
] as const;

export type PolicyAction = (typeof policyActions)[number];
