export const ROLES = ['screener', 'reviewer', 'rules_admin', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** `admin` may do everything; other roles only what they name. */
export function hasAnyRole(granted: readonly string[], required: readonly Role[]): boolean {
  return granted.includes('admin') || required.some((role) => granted.includes(role));
}
