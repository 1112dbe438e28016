import { BlockList, isIP } from 'node:net';

/** Why an address is not a public unicast address. */
export type AddressCategory =
  | 'loopback'
  | 'unspecified'
  | 'private'
  | 'shared'
  | 'link-local'
  | 'multicast'
  | 'broadcast'
  | 'reserved';

type Range = readonly [category: AddressCategory, network: string, prefix: number];

// Order matters: the first matching category names the reason.
const IPV4: readonly Range[] = [
  ['loopback', '127.0.0.0', 8],
  ['unspecified', '0.0.0.0', 8],
  ['private', '10.0.0.0', 8],
  ['private', '172.16.0.0', 12],
  ['private', '192.168.0.0', 16],
  ['shared', '100.64.0.0', 10], // RFC 6598 carrier-grade NAT (also Alibaba's metadata 100.100.100.200)
  ['link-local', '169.254.0.0', 16], // includes 169.254.169.254, the cloud metadata address
  ['multicast', '224.0.0.0', 4],
  ['broadcast', '255.255.255.255', 32],
  ['reserved', '192.0.0.0', 24],
  ['reserved', '192.0.2.0', 24],
  ['reserved', '192.88.99.0', 24], // deprecated 6to4 relay anycast (RFC 7526)
  ['reserved', '198.18.0.0', 15],
  ['reserved', '198.51.100.0', 24],
  ['reserved', '203.0.113.0', 24],
  ['reserved', '240.0.0.0', 4],
];

const IPV6: readonly Range[] = [
  ['loopback', '::1', 128],
  ['unspecified', '::', 128],
  ['private', 'fc00::', 7],
  ['private', 'fec0::', 10], // deprecated site-local
  ['link-local', 'fe80::', 10],
  ['multicast', 'ff00::', 8],
  ['reserved', '::', 96], // deprecated IPv4-compatible addresses
  ['reserved', '64:ff9b:1::', 48], // local-use NAT64
  ['reserved', '100::', 64], // discard-only
  ['reserved', '2001::', 32], // Teredo: the embedded IPv4 is obfuscated, so refuse the block
  ['reserved', '2001:2::', 48], // benchmarking
  ['reserved', '2001:10::', 28], // ORCHID
  ['reserved', '2001:20::', 28], // ORCHIDv2
  ['reserved', '2001:db8::', 32],
  ['reserved', '3fff::', 20], // documentation (RFC 9637)
];

function hex16(a: number, b: number): string {
  return ((a << 8) | b).toString(16);
}

/**
 * The same IPv4 range reached through NAT64 (64:ff9b::/96), 6to4 (2002::/16) or SIIT's IPv4-translated
 * form (::ffff:0:0:0/96, RFC 7915). IPv4-mapped (::ffff:0:0/96) needs none: BlockList maps it itself.
 */
function embeddedForms(network: string, prefix: number): Array<[string, number]> {
  const [a = 0, b = 0, c = 0, d = 0] = network.split('.').map(Number);
  return [
    [`64:ff9b::${network}`, 96 + prefix],
    [`2002:${hex16(a, b)}:${hex16(c, d)}::`, 16 + prefix],
    [`::ffff:0:${network}`, 96 + prefix],
  ];
}

function buildLists(): Array<[AddressCategory, BlockList]> {
  const lists = new Map<AddressCategory, BlockList>();
  const listFor = (category: AddressCategory) => {
    let list = lists.get(category);
    if (!list) {
      list = new BlockList();
      lists.set(category, list);
    }
    return list;
  };
  // node:net BlockList also matches IPv4-mapped IPv6 (::ffff:10.0.0.1) against IPv4 subnets.
  for (const [category, network, prefix] of IPV4) {
    listFor(category).addSubnet(network, prefix, 'ipv4');
    for (const [net6, prefix6] of embeddedForms(network, prefix))
      listFor(category).addSubnet(net6, prefix6, 'ipv6');
  }
  for (const [category, network, prefix] of IPV6) listFor(category).addSubnet(network, prefix, 'ipv6');
  const order: AddressCategory[] = [...new Set([...IPV4, ...IPV6].map(([category]) => category))];
  return order.map((category) => [category, listFor(category)]);
}

const CATEGORY_LISTS = buildLists();

/** Strips URL brackets and an IPv6 zone id, returning the bare address or null when `host` is not an IP. */
export function normalizeIp(host: string): string | null {
  let ip = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const zone = ip.indexOf('%');
  if (zone !== -1) ip = ip.slice(0, zone);
  return isIP(ip) === 0 ? null : ip;
}

/** Names the non-public range an IP address falls in, or null for a public unicast address. */
export function classifyAddress(address: string): AddressCategory | null {
  const ip = normalizeIp(address);
  if (ip === null) return null;
  const family = isIP(ip) === 4 ? 'ipv4' : 'ipv6';
  for (const [category, list] of CATEGORY_LISTS) {
    if (list.check(ip, family)) return category;
  }
  return null;
}
