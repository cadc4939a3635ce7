/**
 * What starts a monitoring run: a list version or a ruleset version becoming active. The key
 * names exactly one version, so "one run per tenant and trigger" is a unique constraint.
 */
export type MonitoringTrigger =
  | { kind: 'list_version'; source: string; version: number; versionId: string }
  | { kind: 'ruleset'; rulesetId: string; version: number };

export function triggerKeyOf(trigger: MonitoringTrigger): string {
  return trigger.kind === 'list_version' ? `list:${trigger.versionId}` : `ruleset:${trigger.rulesetId}`;
}

export function describeTrigger(trigger: MonitoringTrigger): string {
  return trigger.kind === 'list_version' ? `list ${trigger.source} version ${trigger.version}` : `ruleset version ${trigger.version}`;
}
