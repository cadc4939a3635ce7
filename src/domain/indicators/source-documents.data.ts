/**
 * The catalogue's source-keys table (`/work/shared/guidance/indicators.md`, top), transcribed.
 * Titles are as the catalogue writes them; `date` is the first date of the row (ISO), `null`
 * where the row gives a range.
 */
import type { SourceKey } from './indicator.schema.js';

export interface SourceDocument {
  key: SourceKey;
  title: string;
  date: string | null;
  /** Other dates the catalogue gives for the document (re-issue, update, ROK version, range). */
  dateNote?: string;
  issuers: string;
  /** Not in the catalogue's source-keys table (added for a row that cites it). */
  extra?: true;
}

export const SOURCE_DOCUMENTS: Readonly<Record<SourceKey, SourceDocument>> = {
  US22: {
    key: 'US22',
    title:
      '"Guidance on the Democratic People\'s Republic of Korea Information Technology Workers" (advisory + 2-page fact sheet)',
    date: '2022-05-16',
    issuers: 'US State, Treasury/OFAC, FBI',
  },
  ROK22: {
    key: 'ROK22',
    title: '북한 IT 인력에 대한 정부 합동주의보 / "Advisory on the DPRK IT Workers"',
    date: '2022-12-08',
    dateNote: 'posted on the MOFA site 22 Feb 2023',
    issuers: 'ROK MOFA, MSIT, MOU, MOEL, FTC, KNPA, NIS',
  },
  USROK23: {
    key: 'USROK23',
    title:
      '"Additional Guidance on the DPRK IT Workers", IC3 PSA231018. ROK version: MOFA press release of 19 Oct 2023',
    date: '2023-10-18',
    dateNote: '18 Oct 2023 (US) / 19 Oct 2023 (ROK)',
    issuers: 'US State, FBI; ROK MOFA, KNPA, NIS',
  },
  JP24: {
    key: 'JP24',
    title: '北朝鮮IT労働者に関する企業等に対する注意喚起',
    date: '2024-03-26',
    dateNote: 'updated 27 Aug 2025',
    issuers: 'Japan MOFA, NPA, MOF, METI',
  },
  FBI24: {
    key: 'FBI24',
    title:
      'IC3 PSA240516, "DPRK Leverages U.S.-Based Individuals to Defraud U.S. Businesses…"; substantially re-issued as PSA250723-4',
    date: '2024-05-16',
    dateNote: 're-issued 23 Jul 2025 as PSA250723-4',
    issuers: 'FBI',
  },
  FBI25: {
    key: 'FBI25',
    title: 'IC3 PSA250123 (I-012325-PSA), update on data extortion',
    date: '2025-01-23',
    issuers: 'FBI',
  },
  DE24: {
    key: 'DE24',
    title: 'BfV Sicherheitshinweis für die Wirtschaft 02/2024, "North Korean IT Workers"',
    date: '2024-10-01',
    issuers: 'Germany BfV',
  },
  UK24: {
    key: 'UK24',
    title: 'OFSI advisory on DPRK IT workers',
    date: '2024-09-12',
    issuers: 'UK HM Treasury OFSI',
  },
  TRI25: {
    key: 'TRI25',
    title: 'Japan–US–ROK Joint Statement on DPRK IT workers',
    date: '2025-08-27',
    issuers: 'JP, US, ROK',
  },
  MSMT25: {
    key: 'MSMT25',
    title:
      'MSMT report, "The DPRK\'s Violation and Evasion of UN Sanctions Through Cyber and IT Worker Activities"',
    date: '2025-10-22',
    issuers: '11 MSMT states',
  },
  DOJ: {
    key: 'DOJ',
    title:
      'US criminal cases: Chapman, Didenko, Knoot, US v. Hwa (14 DPRK nationals), US v. Jin et al., D. Mass. (Z. Wang et al.), N.D. Ga. (Kim Kwang Jin et al.)',
    date: null,
    dateNote: '2023–2025',
    issuers: 'US DOJ / FBI',
  },
  OFAC: {
    key: 'OFAC',
    title: 'OFAC designation press releases on IT-worker networks',
    date: null,
    dateNote: '2018–2026',
    issuers: 'US Treasury',
  },
  'JP-PSIA': {
    key: 'JP-PSIA',
    title: 'Japan Public Security Intelligence Agency post on DPRK IT workers, as summarised by a blog',
    date: null,
    dateNote: 'date unclear (catalogue A6)',
    issuers: 'Japan PSIA',
    extra: true,
  },
};
