import { describe, expect, test } from 'vitest';
import type { ScreeningSubject } from '../../src/domain/rules/screening-subject.js';
import { collectLookups, linkKeyOf, linkKeysOf } from '../../src/domain/rules/subject-lookups.js';
import { redactForStorage } from '../../src/domain/rules/subject-redaction.js';
import { cleanPolishFreelancer, hash } from './rules-fixtures.js';

const subject: ScreeningSubject = {
  externalRef: 'cand-1',
  name: 'Jane Roe',
  emails: ['J.Roe+jobs@GMail.com', 'jane@upworksell.com'],
  phones: ['+1 (512) 555-0100', '12'],
  addresses: [{ kind: 'shipping', line1: '12 Oak Street', postalCode: '78701', country: 'US' }],
  employment: [{ employer: 'Acme', domain: 'https://www.acmesoft.example/about' }],
  profiles: [{ platform: 'github', url: 'https://github.com/JRoe/', photoDigest: 'ABCDEF0123456789' }],
  logins: [
    { ip: '203.0.113.5', at: '2026-11-01T10:00:00Z' },
    { ip: '203.0.113.5', at: '2026-11-02T10:00:00Z' },
  ],
  payment: { method: 'crypto', bankAccount: 'DE89 3704 0044 0532 0130 00', wallets: ['0xB6F5EC1A0A9CD1526536D3F0426C429529471F40'] },
  documents: [{ type: 'passport', country: 'KP', number: '109-420-132' }, { type: 'visa', number: '12' }],
  references: [{ name: 'John Smith', email: 'john@acmesoft.example', phone: '+44 20 7946 0000' }],
};

describe('collectLookups', () => {
  const { identifiers, links } = collectLookups(subject, hash);

  test('lists every identifier to look up in its list-canonical form, with the field it came from', () => {
    expect(identifiers).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'email', normalized: 'j.roe+jobs@gmail.com', source: 'email', field: '/subject/emails/0' }),
        expect.objectContaining({ kind: 'domain', normalized: 'upworksell.com', source: 'email_domain', field: '/subject/emails/1' }),
        expect.objectContaining({ kind: 'website', normalized: 'upworksell.com', source: 'email_domain', field: '/subject/emails/1' }),
        expect.objectContaining({ kind: 'phone', normalized: '15125550100', source: 'phone', field: '/subject/phones/0' }),
        expect.objectContaining({ kind: 'wallet', normalized: '0xb6f5ec1a0a9cd1526536d3f0426c429529471f40', field: '/subject/payment/wallets/0' }),
        expect.objectContaining({ kind: 'passport', normalized: '109420132', country: 'KP', display: 'passport (KP)', field: '/subject/documents/0/number' }),
        expect.objectContaining({ kind: 'domain', normalized: 'acmesoft.example', source: 'employer_domain' }),
        expect.objectContaining({ kind: 'website', normalized: 'github.com/JRoe', source: 'profile_url' }),
        expect.objectContaining({ kind: 'email', normalized: 'john@acmesoft.example', source: 'reference_email' }),
        expect.objectContaining({ kind: 'phone', normalized: '442079460000', source: 'reference_phone' }),
      ]),
    );
  });

  test('skips values too short to identify anyone', () => {
    expect(identifiers.filter((lookup) => lookup.normalized === '12')).toEqual([]);
    expect(links.filter((link) => link.field === '/subject/documents/1/number' || link.field === '/subject/phones/1')).toEqual([]);
  });

  test('link keys are keyed hashes, one per value, and never carry the clear value', () => {
    expect(links.every((link) => /^[0-9a-f]{64}$/.test(link.key))).toBe(true);
    expect(links.filter((link) => link.kind === 'ip')).toHaveLength(1);
    const serialised = JSON.stringify(links);
    for (const secret of ['109420132', 'DE89', '370400440532013000', 'Oak']) expect(serialised).not.toContain(secret);
    expect(links.find((link) => link.kind === 'email')).toMatchObject({ key: linkKeyOf(hash, 'email', 'jroe@gmail.com'), display: 'j•••@gmail.com' });
  });

  test('a reference e-mail hashes like an applicant e-mail, so one lookup finds both roles', () => {
    const other = linkKeysOf({ name: 'John Smith', emails: ['John@AcmeSoft.example'] }, hash);
    expect(other[0]?.key).toBe(links.find((link) => link.kind === 'reference_email')?.key);
  });

  test('is deterministic and does not change the subject', () => {
    const before = JSON.stringify(subject);
    expect(collectLookups(subject, hash)).toEqual(collectLookups(subject, hash));
    expect(JSON.stringify(subject)).toBe(before);
  });
});

describe('redactForStorage', () => {
  test('replaces document and bank-account numbers by the same keyed hash the link keys use', () => {
    const stored = redactForStorage(subject, hash);
    expect(stored.documents?.[0]).toEqual({ type: 'passport', country: 'KP', numberHash: linkKeyOf(hash, 'document', '109420132') });
    expect(stored.payment).toMatchObject({ method: 'crypto', bankAccountHash: linkKeyOf(hash, 'bank_account', 'DE89370400440532013000') });
    expect(stored.payment).not.toHaveProperty('bankAccount');
    const serialised = JSON.stringify(stored);
    expect(serialised).not.toContain('109-420-132');
    expect(serialised).not.toContain('DE89 3704');
    expect(linkKeysOf(subject, hash).map((link) => link.key)).toContain(stored.documents?.[0]?.numberHash);
  });

  test('keeps everything else as it was', () => {
    const clean = cleanPolishFreelancer();
    const stored = redactForStorage(clean, hash);
    const { documents: _d, payment: _p, ...rest } = clean;
    expect(stored).toMatchObject(rest);
    expect(redactForStorage({ name: 'Jane Roe' }, hash)).toEqual({ name: 'Jane Roe' });
  });
});
