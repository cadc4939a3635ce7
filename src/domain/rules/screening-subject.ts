/**
 * The profile an HR system sends. Issue #2 needs the name; later fields (identity, contact,
 * payment, ...) join this type as their rules land.
 */
export interface ScreeningSubject {
  externalRef?: string;
  name: string;
  aliases?: string[];
  birthDate?: string;
  nationality?: string;
}
