// Exercise 08 (reference): refuse callback URLs that point inside our network (SSRF), however spelt.
import { BlockList, isIP } from 'node:net';

export type Verdict = { ok: true; addresses: string[] } | { ok: false; reason: string };

export interface CheckOptions {
  /** The DNS lookup: every address a name resolves to (tests pass a fake; production dns.promises.lookup). */
  lookup: (hostname: string) => Promise<string[]>;
  /** Dev mode: loopback (127/8, ::1) is allowed, so the apps on one laptop can call each other. */
  allowLoopback?: boolean;
}

const internal = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['169.254.0.0', 16], // link-local: the cloud metadata service lives at 169.254.169.254
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['224.0.0.0', 3], // multicast and reserved, up to 255.255.255.255
] as const)
  internal.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128],
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
] as const)
  internal.addSubnet(net, bits, 'ipv6');
const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/** `::ffff:7f00:1` (how URL spells `[::ffff:127.0.0.1]`) → `127.0.0.1`; other addresses as they are. */
function unmap(address: string): string {
  const m = /^::ffff:(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/i.exec(address);
  if (!m) return address;
  if (m[1]) return m[1];
  const n = (Number.parseInt(m[2]!, 16) << 16) | Number.parseInt(m[3]!, 16);
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}

function refusal(address: string, allowLoopback: boolean): string | undefined {
  const a = unmap(address);
  const family = isIP(a) === 6 ? 'ipv6' : 'ipv4';
  if (loopback.check(a, family)) return allowLoopback ? undefined : `${a} is loopback`;
  if (internal.check(a, family)) return `${a} is an internal address`;
  return undefined;
}

export async function checkCallbackUrl(input: string, opts: CheckOptions): Promise<Verdict> {
  let url: URL;
  try {
    // The WHATWG parser turns 0x7f.1, 2130706433 and 0177.0.0.1 into 127.0.0.1: check what it made.
    url = new URL(input);
  } catch {
    return { ok: false, reason: 'not an absolute URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return { ok: false, reason: `the ${url.protocol} scheme is not allowed` };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = await opts.lookup(host);
    } catch {
      return { ok: false, reason: `${host} does not resolve` };
    }
    if (!addresses.length) return { ok: false, reason: `${host} does not resolve` };
  }
  // Every address: a name that resolves to one public and one internal address is an attack (rebinding).
  for (const a of addresses) {
    const why = refusal(a, opts.allowLoopback ?? false);
    if (why) return { ok: false, reason: why };
  }
  return { ok: true, addresses: addresses.map(unmap) };
}
