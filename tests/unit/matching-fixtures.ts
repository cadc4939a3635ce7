import type { IndexableEntry } from '../../src/domain/screening/index.js';

/** A handful of real-shaped list entries (names as OFAC and the UN write them). */
export function entry(partial: Partial<IndexableEntry> & { sourceId: string; name: string }): IndexableEntry {
  const source = partial.source ?? 'ofac-sdn';
  return {
    id: `${source}:${partial.sourceId}`,
    source,
    type: 'individual',
    names: [{ full: partial.name, kind: 'primary', strength: 'strong' }],
    programs: ['DPRK3'],
    birthDates: [],
    nationalities: [],
    ...partial,
  };
}

export const ENTRIES: IndexableEntry[] = [
  entry({
    sourceId: '20157',
    name: 'KIM, Jong Un',
    birthDates: [{ value: '1984-01-08' }],
    nationalities: ['KP'],
  }),
  entry({
    sourceId: '33936',
    name: 'RI, Yong Gil',
    names: [
      { full: 'RI, Yong Gil', kind: 'primary', strength: 'strong' },
      { full: "RI, Yo'ng-kil", kind: 'aka', strength: 'strong' },
      { full: "YI, Yo'ng-kil", kind: 'aka', strength: 'strong' },
    ],
    birthDates: [{ value: '1955', to: '1955' }],
    nationalities: ['KP'],
  }),
  entry({
    sourceId: '20120',
    name: 'CHOE, Pu Il',
    names: [
      { full: 'CHOE, Pu Il', kind: 'primary', strength: 'strong' },
      { full: 'CHOI, Bu-il', kind: 'aka', strength: 'strong' },
    ],
    birthDates: [{ value: '1944-03-06' }],
  }),
  entry({ sourceId: '23508', name: 'KIM, Song', birthDates: [{ value: '1964-01-11' }], nationalities: ['KP'] }),
  entry({ sourceId: '22992', name: 'KIM, Jong Man', nationalities: ['KP'] }),
  entry({
    sourceId: '24918',
    name: 'PARK, Jin Hyok',
    names: [
      { full: 'PARK, Jin Hyok', kind: 'primary', strength: 'strong' },
      { full: 'PAK, Jin Hek', kind: 'aka', strength: 'strong' },
      { full: 'HENNY, Watson', kind: 'aka', strength: 'weak' },
    ],
    birthDates: [{ value: '1984-08-15' }, { value: '1984-10-18' }],
  }),
  entry({
    sourceId: '43379',
    type: 'entity',
    name: 'CHINYONG INFORMATION TECHNOLOGY COOPERATION COMPANY',
    names: [
      { full: 'CHINYONG INFORMATION TECHNOLOGY COOPERATION COMPANY', kind: 'primary', strength: 'strong' },
      { full: 'JINYONG IT COOPERATION COMPANY', kind: 'aka', strength: 'strong' },
    ],
  }),
  entry({ sourceId: '24977', type: 'entity', name: 'YANBIAN SILVERSTAR NETWORK TECHNOLOGY CO., LTD.' }),
  entry({ sourceId: '9345', type: 'entity', name: 'KOREA MINING DEVELOPMENT TRADING CORPORATION' }),
  entry({ source: 'un', sourceId: 'KPi.066', name: 'KIM JONG SIK', programs: ['DPRK'] }),
  entry({ sourceId: '23214', name: 'KIM, Jong Sik' }),
  entry({ source: 'un', sourceId: 'QDi.406', name: 'SOMEONE ELSE', names: [{ full: 'SOMEONE ELSE', kind: 'primary', strength: 'strong' }, { full: 'John', kind: 'aka', strength: 'weak' }], programs: ['ISIL'] }),
];
