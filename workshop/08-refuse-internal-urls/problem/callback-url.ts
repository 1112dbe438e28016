// Exercise 08: refuse callback URLs that point inside our network (SSRF), however spelt.
// Run `pnpm workshop test 08`, then `pnpm dev --exercise 08`: logistics checks registrations with it.

export type Verdict = { ok: true; addresses: string[] } | { ok: false; reason: string };

export interface CheckOptions {
  /** The DNS lookup: every address a name resolves to (tests pass a fake; production dns.promises.lookup). */
  lookup: (hostname: string) => Promise<string[]>;
  /** Dev mode: loopback (127/8, ::1) is allowed, so the apps on one laptop can call each other. */
  allowLoopback?: boolean;
}

const BLOCKED = ['localhost', '127.0.0.1', '10.', '192.168.', '169.254.169.254'];

export async function checkCallbackUrl(input: string, opts: CheckOptions): Promise<Verdict> {
  // TODO: matching text misses other spellings of the same address (0x7f.1, 2130706433, [::ffff:127.0.0.1]).
  // Parse with new URL(input) (it normalises IPv4 spellings), then decide on the ADDRESS: an IP literal as
  // it is, a name by every address opts.lookup gives. node:net's BlockList checks subnets for you.
  // TODO: only http: and https:; honour opts.allowLoopback; refuse 172.16/12, 100.64/10, fc00::/7, fe80::/10…
  const hit = BLOCKED.find((b) => input.includes(`//${b}`));
  if (hit) return { ok: false, reason: `${hit} is internal` };
  let host = input;
  try {
    host = new URL(input).hostname;
  } catch {
    return { ok: false, reason: 'not an absolute URL' };
  }
  return { ok: true, addresses: await opts.lookup(host) };
}
