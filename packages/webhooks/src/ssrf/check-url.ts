import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { type AddressCategory, classifyAddress, normalizeIp } from './ip-ranges.ts';

export type UnsafeUrlCode = 'ssrf_blocked' | 'invalid_url' | 'unsupported_scheme' | 'dns_error';

export type LookupFn = (hostname: string) => Promise<ReadonlyArray<{ address: string; family?: number }>>;

export interface SsrfOptions {
  /** Allow 127/8, ::1 and localhost; default false (apps turn it on in dev mode: `ssrfOptionsOf(config)`). */
  allowLoopback?: boolean;
  /** Hostnames (`*.example.test` for subdomains), IP addresses or CIDRs that are always allowed. */
  allowList?: readonly string[];
  /** URL schemes accepted, e.g. `['https:']` or `['http', 'https', 'mailto']`; default http and https. */
  allowSchemes?: readonly string[];
  /** DNS resolver, injectable for tests; default node:dns/promises lookup with `all: true`. */
  lookup?: LookupFn;
}

export type CheckUrlResult =
  | { ok: true; url: URL; addresses: string[] }
  | { ok: false; code: UnsafeUrlCode; reason: string };

/** Thrown by assertSafeUrl; `code` says whether the URL was unsafe, unparsable, of a refused scheme, or unresolvable. */
export class UnsafeUrlError extends Error {
  override readonly name = 'UnsafeUrlError';
  readonly code: UnsafeUrlCode;

  constructor(code: UnsafeUrlCode, reason: string) {
    super(reason);
    this.code = code;
  }
}

// Cloud metadata endpoints by name; their addresses are refused anyway, this catches odd resolvers.
const METADATA_HOSTS = new Set([
  'metadata.google.internal',
  'metadata',
  'instance-data',
  'instance-data.ec2.internal',
]);

const defaultLookup: LookupFn = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

interface AllowList {
  hosts: Set<string>;
  suffixes: string[];
  addresses: BlockList;
}

function normalizeHost(host: string): string {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return bare.toLowerCase().replace(/\.$/, '');
}

function compileAllowList(entries: readonly string[] = []): AllowList {
  const allow: AllowList = { hosts: new Set(), suffixes: [], addresses: new BlockList() };
  for (const raw of entries) {
    const entry = normalizeHost(raw.trim());
    if (!entry) continue;
    const slash = entry.indexOf('/');
    if (slash !== -1) {
      const network = entry.slice(0, slash);
      const prefixText = entry.slice(slash + 1);
      const family = isIP(network);
      const prefix = Number(prefixText);
      if (family !== 0 && /^\d{1,3}$/.test(prefixText) && prefix <= (family === 4 ? 32 : 128)) {
        allow.addresses.addSubnet(network, prefix, family === 4 ? 'ipv4' : 'ipv6');
      }
    } else if (isIP(entry) !== 0) {
      allow.addresses.addAddress(entry, isIP(entry) === 4 ? 'ipv4' : 'ipv6');
    } else if (entry.startsWith('*.')) {
      allow.suffixes.push(entry.slice(1));
    } else {
      allow.hosts.add(entry);
    }
  }
  return allow;
}

function hostAllowed(allow: AllowList, host: string): boolean {
  return allow.hosts.has(host) || allow.suffixes.some((suffix) => host.endsWith(suffix));
}

function addressAllowed(allow: AllowList, ip: string): boolean {
  return allow.addresses.check(ip, isIP(ip) === 4 ? 'ipv4' : 'ipv6');
}

function blockedCategory(ip: string, allow: AllowList, allowLoopback: boolean): AddressCategory | null {
  if (addressAllowed(allow, ip)) return null;
  const category = classifyAddress(ip);
  if (category === 'loopback' && allowLoopback) return null;
  return category;
}

function normalizeScheme(scheme: string): string {
  const lower = scheme.trim().toLowerCase();
  return lower.endsWith(':') ? lower : `${lower}:`;
}

/** Checks that a callback URL does not reach private, loopback (unless allowed), link-local or metadata addresses. */
export async function checkUrl(input: string | URL, options: SsrfOptions = {}): Promise<CheckUrlResult> {
  let url: URL;
  try {
    url = new URL(String(input));
  } catch {
    return { ok: false, code: 'invalid_url', reason: 'not an absolute URL' };
  }
  const schemes = (options.allowSchemes ?? ['http:', 'https:']).map(normalizeScheme);
  if (!schemes.includes(url.protocol)) {
    return { ok: false, code: 'unsupported_scheme', reason: `scheme ${url.protocol} is not allowed` };
  }
  if (url.username || url.password) {
    return { ok: false, code: 'invalid_url', reason: 'credentials in the URL are not allowed' };
  }
  const host = normalizeHost(url.hostname);
  if (!host) return { ok: true, url, addresses: [] }; // mailto:, queue: … carry no host to reach

  const allowLoopback = options.allowLoopback ?? false;
  const allow = compileAllowList(options.allowList);
  const literal = normalizeIp(host);
  const hostIsAllowed = hostAllowed(allow, host);

  if (!hostIsAllowed && literal === null) {
    if (METADATA_HOSTS.has(host)) {
      return { ok: false, code: 'ssrf_blocked', reason: `${host} is a cloud metadata endpoint` };
    }
    // RFC 6761: localhost and *.localhost always mean loopback, whatever DNS says.
    if (!allowLoopback && (host === 'localhost' || host.endsWith('.localhost'))) {
      return { ok: false, code: 'ssrf_blocked', reason: `${host} is loopback and loopback is not allowed` };
    }
  }

  let addresses: string[];
  if (literal !== null) {
    addresses = [literal];
  } else {
    try {
      const resolved = await (options.lookup ?? defaultLookup)(host);
      addresses = resolved.map((entry) => entry.address).filter((address) => normalizeIp(address) !== null);
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      return {
        ok: false,
        code: 'dns_error',
        reason: `could not resolve ${host}${typeof code === 'string' ? ` (${code})` : ''}`,
      };
    }
    if (addresses.length === 0)
      return { ok: false, code: 'dns_error', reason: `${host} resolved to no address` };
  }

  if (!hostIsAllowed) {
    // Refuse when ANY address is unsafe: a client may connect to any of them (and DNS can rebind).
    for (const address of addresses) {
      const category = blockedCategory(normalizeIp(address) ?? address, allow, allowLoopback);
      if (category) {
        const via = literal === null ? `${host} resolves to ${address}` : address;
        return { ok: false, code: 'ssrf_blocked', reason: `${via}, a ${category} address` };
      }
    }
  }
  return { ok: true, url, addresses };
}

/** Like checkUrl but throws UnsafeUrlError; returns the parsed URL and the addresses to pin the connection to. */
export async function assertSafeUrl(
  input: string | URL,
  options: SsrfOptions = {},
): Promise<{ url: URL; addresses: string[] }> {
  const result = await checkUrl(input, options);
  if (!result.ok) throw new UnsafeUrlError(result.code, result.reason);
  return { url: result.url, addresses: result.addresses };
}
