/**
 * Address blocks of the DPRK's own internet, as public sources document them. A login from one of
 * them is a login from North Korea whatever a geolocation database says about the block (two of
 * them are registered to Chinese and Lithuanian carriers that routed them for the DPRK).
 *
 * Change a row only with a source, and bump `DPRK_NETWORKS_VERSION`: the version is recorded with
 * every decision that located a login (see `services/ip-intelligence.service.ts`).
 */
export interface DprkNetwork {
  cidr: string;
  holder: string;
  /** `allocated`: the RIR lists the block as the DPRK's today; `documented route`: reported in use for the DPRK, registered to another country. */
  status: 'allocated' | 'documented route';
  sources: readonly string[];
}

export const DPRK_NETWORKS_VERSION = 'dprk-networks 1 (2026-12-07)';

export const DPRK_NETWORKS: readonly DprkNetwork[] = [
  {
    cidr: '175.45.176.0/22',
    holder: 'Star Joint Venture Co. Ltd, Pyongyang (AS131279)',
    status: 'allocated',
    sources: [
      'APNIC Whois: inetnum 175.45.176.0 - 175.45.179.255, netname STAR-KP, country KP',
      'Team Cymru, "Insight into North Korean internet outages" (2022): "the IPv4 netblock publicly assigned to the DPRK – 175.45.176.0/22 (STAR-KP, KP)"',
      'Trend Micro, "A Closer Look at North Korea\'s Internet" (Oct 2017): four /24 ranges, 1,024 addresses, upstream China Unicom (AS4837), TransTeleCom (AS20485) since 1 Oct 2017',
    ],
  },
  {
    cidr: '210.52.109.0/24',
    holder: 'China Netcom / China Unicom range used by the DPRK',
    status: 'documented route',
    sources: [
      'Recorded Future Insikt Group, "North Korea\'s Ruling Elite Are Not Isolated" (25 Jul 2017), with Team Cymru data: DPRK internet activity from 175.45.176.0/22, 210.52.109.0/24 and 77.94.35.0/24',
    ],
  },
  {
    cidr: '77.94.35.0/24',
    holder: 'SatGate satellite range (registered in Lithuania) used by the DPRK',
    status: 'documented route',
    sources: [
      'Recorded Future Insikt Group, "North Korea\'s Ruling Elite Are Not Isolated" (25 Jul 2017): third range, provided by a satellite company resolving to SatGate',
    ],
  },
];
