/** Roles of a tenant's keys: what each may do inside its own tenant. */
export const TENANT_ROLES = ['screener', 'reviewer', 'rules_admin', 'auditor', 'admin'] as const;
export type TenantRole = (typeof TENANT_ROLES)[number];

/**
 * The party that runs the service: manages tenants and the global lists every tenant screens
 * against. Its keys belong to no tenant and hold this role alone, so they read no tenant's
 * decisions, cases, subjects or exports (separation of duties).
 */
export const OPERATOR_ROLE = 'operator';

export const ROLES = [...TENANT_ROLES, OPERATOR_ROLE] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export function isTenantRole(value: string): value is TenantRole {
  return (TENANT_ROLES as readonly string[]).includes(value);
}

/** `admin` may do everything a tenant may; other roles only what they name. Nothing implies `operator`. */
export function hasAnyRole(granted: readonly string[], required: readonly Role[]): boolean {
  return required.some((role) => granted.includes(role) || (role !== OPERATOR_ROLE && granted.includes('admin')));
}
