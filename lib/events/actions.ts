// authentik's EventActions, in the seed's order. `custom_` stands for every `custom_<suffix>`.
export const eventActions = [
  'login',
  'login_failed',
  'logout',
  'user_write',
  'suspicious_request',
  'password_set',
  'secret_view',
  'secret_rotate',
  'invitation_used',
  'authorize_application',
  'source_linked',
  'impersonation_started',
  'impersonation_ended',
  'flow_execution',
  'policy_execution',
  'policy_exception',
  'property_mapping_exception',
  'system_task_execution',
  'system_task_exception',
  'system_exception',
  'configuration_error',
  'model_created',
  'model_updated',
  'model_deleted',
  'email_sent',
  'update_available',
  'custom_',
] as const;

const known = new Set<string>(eventActions);

export const maxActionLength = 128;

/** A known action, or `custom_` followed by a suffix (prefix semantics, ours). */
export function isEventAction(value: string): boolean {
  // Bounded: a name is part of index keys (DynamoDB caps sort keys at 1 KiB).
  return (
    known.has(value) ||
    (value.startsWith('custom_') && value.length > 'custom_'.length && value.length <= maxActionLength)
  );
}

/** `login_failed` → `Login Failed`; every custom action shows as `Custom Prefix`. */
export function actionDisplayName(action: string): string {
  if (action.startsWith('custom_')) return 'Custom Prefix';
  return action
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');
}
