// What a callback URL points at, by its scheme: an HTTP endpoint, a mailbox, a queue or a topic.
// Registration (apps) and the transport router both read targets through this one parser.

export type CallbackTarget =
  | { kind: 'http'; url: string }
  | { kind: 'email'; url: string; address: string }
  | { kind: 'queue'; url: string; name: string }
  | { kind: 'topic'; url: string; name: string };

export type CallbackTargetKind = CallbackTarget['kind'];

export type CallbackTargetError =
  | 'invalid_url'
  | 'unsupported_scheme'
  | 'invalid_email_address'
  | 'invalid_queue_name'
  | 'invalid_topic_name';

export type ParsedCallbackTarget =
  | { ok: true; target: CallbackTarget }
  | { ok: false; code: CallbackTargetError; reason: string };

export const CALLBACK_SCHEMES = ['http', 'https', 'mailto', 'queue', 'topic'] as const;

// The HTML standard's "valid e-mail address" (what <input type=email> accepts), one address only.
const EMAIL =
  /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)+$/;
/** Queue names: a Redis key suffix and a SQLite value alike; no spaces, no separators. */
const QUEUE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** Topic names: MQTT levels separated by `/`, no wildcards (`+`, `#`), no empty level, no `$` prefix. */
const TOPIC_LEVEL = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const MAX_URL = 2048;

const fail = (code: CallbackTargetError, reason: string): ParsedCallbackTarget => ({
  ok: false,
  code,
  reason,
});

/**
 * Parses a callback URL: `https://…`, `mailto:ops@example.com`, `queue:orders`, `topic:shipments/eu`.
 * Only the shape is checked here; an http(s) target still goes through the SSRF guard.
 */
export function parseCallbackTarget(raw: string): ParsedCallbackTarget {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_URL) {
    return fail('invalid_url', `a callback URL of 1–${MAX_URL} characters`);
  }
  const colon = raw.indexOf(':');
  const scheme = colon > 0 ? raw.slice(0, colon).toLowerCase() : '';
  const rest = raw.slice(colon + 1);
  switch (scheme) {
    case 'http':
    case 'https': {
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        return fail('invalid_url', 'not a valid URL');
      }
      if (!url.hostname) return fail('invalid_url', 'an http(s) URL needs a host');
      return { ok: true, target: { kind: 'http', url: raw } };
    }
    case 'mailto': {
      // One plain address: no query (?cc=, ?body=), no list — the mail's headers are ours to set.
      let address: string;
      try {
        address = decodeURIComponent(rest);
      } catch {
        return fail('invalid_email_address', 'mailto: needs one e-mail address, e.g. mailto:ops@example.com');
      }
      if (rest.includes('?') || !EMAIL.test(address) || address.length > 254) {
        return fail('invalid_email_address', 'mailto: needs one e-mail address, e.g. mailto:ops@example.com');
      }
      return { ok: true, target: { kind: 'email', url: `mailto:${address}`, address } };
    }
    case 'queue':
      if (!QUEUE_NAME.test(rest)) {
        return fail(
          'invalid_queue_name',
          'queue: needs a name of 1–128 letters, digits, . _ - (starting with a letter or digit), e.g. queue:orders',
        );
      }
      return { ok: true, target: { kind: 'queue', url: raw, name: rest } };
    case 'topic': {
      const levels = rest.split('/');
      if (rest.length > 255 || levels.length > 8 || !levels.every((l) => TOPIC_LEVEL.test(l))) {
        return fail(
          'invalid_topic_name',
          'topic: needs 1–8 levels separated by /, each letters, digits, . _ - (no wildcards), e.g. topic:shipments/eu',
        );
      }
      return { ok: true, target: { kind: 'topic', url: raw, name: rest } };
    }
    default:
      return fail(
        'unsupported_scheme',
        `unsupported callback scheme${scheme ? ` "${scheme}:"` : ''}; use https:, http:, mailto:, queue: or topic:`,
      );
  }
}

/** True for the schemes that go over HTTP (and so through the SSRF guard). */
export function isHttpTarget(url: string): boolean {
  return /^https?:/i.test(url);
}
