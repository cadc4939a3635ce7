/**
 * What starts a monitoring run: a list version or a ruleset version becoming active, or a later
 * screening that shares an identifier with earlier applicants (a link: they are looked at again,
 * so the first member of a laptop farm is found too, not only those after it). The key names
 * exactly one version or screening, so "one run per tenant and trigger" is a unique constraint.
 */
export type MonitoringTrigger =
  | { kind: 'list_version'; source: string; version: number; versionId: string }
  | { kind: 'ruleset'; rulesetId: string; version: number }
  | { kind: 'link'; decisionId: string; sequence: number };

export function triggerKeyOf(trigger: MonitoringTrigger): string {
  switch (trigger.kind) {
    case 'list_version':
      return `list:${trigger.versionId}`;
    case 'ruleset':
      return `ruleset:${trigger.rulesetId}`;
    case 'link':
      return `link:${trigger.decisionId}`;
  }
}

export function describeTrigger(trigger: MonitoringTrigger): string {
  switch (trigger.kind) {
    case 'list_version':
      return `list ${trigger.source} version ${trigger.version}`;
    case 'ruleset':
      return `ruleset version ${trigger.version}`;
    case 'link':
      return `decision ${trigger.decisionId} shares identifiers with earlier applicants`;
  }
}
