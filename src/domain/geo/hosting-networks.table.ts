/**
 * Autonomous systems whose addresses are servers rather than homes or offices: cloud and VPS
 * providers (`hosting`), and networks run by or for commercial VPN services (`vpn`). A login from
 * them is a login through a rented machine or a VPN exit, which the US 2022 advisory names as DPRK
 * IT-worker tradecraft ("use of VPNs, VPSs or third-country IPs", catalogue US22-VPN-VPS), and which
 * many ordinary people also use: the rule built on it is weak evidence (docs/scoring.md).
 *
 * Each row names the AS as its RIR registers it and as the bundled ASN database
 * (`@ip-location-db/asn`) names it (a unit test checks that the database still names every row's
 * AS so), its PeeringDB record (where a network states what it is), and, where there is one, the
 * provider's own documentation of its address ranges or of the hosts its VPN servers run at.
 *
 * Left out on purpose: networks where ordinary consumer privacy features exit (Cloudflare AS13335:
 * WARP and iCloud Private Relay; Akamai's and Fastly's CDN ranges: iCloud Private Relay; Google's
 * AS15169: Google's own services and its consumer VPN), and transit carriers. A login from them
 * says nothing about the person.
 *
 * Change a row only with a source, and bump `HOSTING_NETWORKS_VERSION`: the version is recorded
 * with every decision that located a login (see `services/ip-intelligence.service.ts`).
 */
export type HostingKind = 'hosting' | 'vpn';

export interface HostingNetwork {
  asn: number;
  /** The AS holder's name, as the bundled ASN database gives it. */
  organisation: string;
  kind: HostingKind;
  /** What the network is, in a few words (the brand a reviewer knows). */
  note: string;
  sources: readonly string[];
}

export const HOSTING_NETWORKS_VERSION = 'hosting-networks 1 (2026-12-07)';

type Registry = 'ARIN' | 'RIPE' | 'APNIC';

/** A row: the RIR's whois record of the AS (its holder is `organisation`), its PeeringDB record, and any further source. */
const row = (asn: number, organisation: string, kind: HostingKind, registry: Registry, note: string, ...sources: string[]): HostingNetwork => ({
  asn,
  organisation,
  kind,
  note,
  sources: [`${registry} whois AS${asn}: ${organisation}`, `PeeringDB https://www.peeringdb.com/asn/${asn}`, ...sources],
});

const MULLVAD = 'Mullvad VPN server list (https://mullvad.net/en/servers): hosting provider of each server';

export const HOSTING_NETWORKS: readonly HostingNetwork[] = [
  // ── Public clouds (virtual machines rented by the hour) ─────────────────────────────────
  row(16509, 'Amazon.com, Inc.', 'hosting', 'ARIN', 'Amazon Web Services (EC2)', 'AWS documentation, "AWS IP address ranges" (ip-ranges.json)'),
  row(14618, 'Amazon.com, Inc.', 'hosting', 'ARIN', 'Amazon Web Services (us-east-1)', 'AWS documentation, "AWS IP address ranges" (ip-ranges.json)'),
  row(396982, 'Google LLC', 'hosting', 'ARIN', 'Google Cloud Platform', 'Google Cloud documentation, "Google IP address ranges" (cloud.json)'),
  row(8075, 'Microsoft Corporation', 'hosting', 'ARIN', 'Microsoft Azure (also Microsoft corporate egress)', 'Microsoft documentation, "Azure IP Ranges and Service Tags"'),
  row(31898, 'Oracle Corporation', 'hosting', 'ARIN', 'Oracle Cloud Infrastructure', 'Oracle documentation, "IP Address Ranges" (public_ip_ranges.json)'),
  row(45102, 'Alibaba (US) Technology Co., Ltd.', 'hosting', 'APNIC', 'Alibaba Cloud (international)'),
  row(37963, 'Hangzhou Alibaba Advertising Co.,Ltd.', 'hosting', 'APNIC', 'Alibaba Cloud (mainland China)'),
  row(132203, 'Shenzhen Tencent Computer Systems Company Limited', 'hosting', 'APNIC', 'Tencent Cloud (international)'),
  row(45090, 'Shenzhen Tencent Computer Systems Company Limited', 'hosting', 'APNIC', 'Tencent Cloud (mainland China)'),
  // ── VPS and dedicated-server hosts ──────────────────────────────────────────────────────
  row(14061, 'DigitalOcean, LLC', 'hosting', 'ARIN', 'DigitalOcean droplets', 'DigitalOcean documentation, published IP ranges (digitalocean.com/geo/google.csv)'),
  row(63949, 'Akamai Technologies, Inc.', 'hosting', 'ARIN', 'Linode (Akamai Connected Cloud)'),
  row(20473, 'The Constant Company, LLC', 'hosting', 'ARIN', 'Vultr'),
  row(16276, 'OVH SAS', 'hosting', 'RIPE', 'OVHcloud'),
  row(24940, 'Hetzner Online GmbH', 'hosting', 'RIPE', 'Hetzner dedicated and cloud servers'),
  row(213230, 'Hetzner Online GmbH', 'hosting', 'RIPE', 'Hetzner Cloud'),
  row(51167, 'Contabo GmbH', 'hosting', 'RIPE', 'Contabo VPS'),
  row(40021, 'Contabo Inc.', 'hosting', 'ARIN', 'Contabo VPS (United States)'),
  row(12876, 'Scaleway SAS', 'hosting', 'RIPE', 'Scaleway'),
  row(36352, 'HostPapa', 'hosting', 'ARIN', 'ColoCrossing VPS and dedicated servers'),
  row(7979, 'Servers.com, Inc.', 'hosting', 'ARIN', 'Servers.com dedicated servers'),
  row(53667, 'FranTech Solutions', 'hosting', 'ARIN', 'BuyVM VPS'),
  // ── Hosts of commercial VPN exits, and VPN operators' own networks ──────────────────────
  row(9009, 'M247 Europe SRL', 'vpn', 'RIPE', 'M247: hosting that carries the exits of many commercial VPNs', MULLVAD),
  row(60068, 'Datacamp Limited', 'vpn', 'RIPE', 'CDN77 / DataPacket: hosting that carries commercial VPN exits', MULLVAD),
  row(212238, 'Datacamp Limited', 'vpn', 'RIPE', 'CDN77 / DataPacket: hosting that carries commercial VPN exits', MULLVAD),
  row(62240, 'Clouvider Limited', 'vpn', 'RIPE', 'Clouvider: hosting that carries commercial VPN exits', MULLVAD),
  row(39351, '31173 Services AB', 'vpn', 'RIPE', '31173 Services: hosting of Mullvad VPN servers', MULLVAD),
  row(136787, 'PacketHub S.A.', 'vpn', 'APNIC', 'PacketHub: the network of NordVPN (Nord Security)', 'NordVPN server addresses are announced by PacketHub S.A. (formerly Tefincom S.A., NordVPN\'s operator)'),
  row(141039, 'PacketHub S.A.', 'vpn', 'APNIC', 'PacketHub: the network of NordVPN (Nord Security)'),
  row(209103, 'Proton AG', 'vpn', 'RIPE', 'Proton AG: Proton VPN'),
];

const BY_ASN: ReadonlyMap<number, HostingNetwork> = new Map(HOSTING_NETWORKS.map((network) => [network.asn, network]));

/** The table's row for an AS, if it is a hosting or VPN network. */
export function hostingNetwork(asn: number): HostingNetwork | undefined {
  return BY_ASN.get(asn);
}
