/**
 * The one redactor of recorded exchanges: secrets (API keys, tokens, client secrets, signatures, URL
 * signatures) and personal data (e-mail, phone, names and addresses) in JSON, form-encoded and plain-text
 * bodies, URLs and headers. The recorder applies it to everything it stores, whoever records.
 */

export const REDACTED = '[redacted]';

/** Key names (lower-case, separators as `_`) whose values are secrets wherever they appear. */
const SECRET_KEY =
  /(?:^|_)(?:secret|password|passwd|passphrase|token|api_?key|apikey|private_?key|secret_?key|access_?key|signature|sig|credentials?|authorization|cookie|cvc|cvv|card_?number)$/;

/** Key names that hold personal data wherever they appear. */
const PERSONAL_KEY = new Set([
  'email',
  'e_mail',
  'receipt_email',
  'customer_email',
  'billing_email',
  'phone',
  'phone_number',
  'mobile',
  'telephone',
  'first_name',
  'last_name',
  'full_name',
  'given_name',
  'family_name',
  'customer_name',
  'line1',
  'line2',
  'address_line1',
  'address_line2',
  'street',
  'postal_code',
  'postcode',
  'zip',
  'zip_code',
  'date_of_birth',
  'dob',
  'tax_id',
]);

/** Objects about a person or a place: every value beneath them is personal. */
const PERSONAL_PARENT = new Set([
  'address',
  'billing_address',
  'shipping_address',
  'billing_details',
  'shipping',
  'shipping_details',
  'ship_to',
  'customer',
  'customer_details',
  'recipient',
  'contact',
  'payer',
  'cardholder',
]);

const normKey = (k: string) =>
  k
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');

// What a key name says about the value under it, as bit flags (cached: bodies repeat the same keys).
const SENSITIVE = 1; // a secret or personal value wherever it is
const PERSON = 2; // an object about a person or place: everything beneath is personal
const CARD = 4; // `card`: its `number` is personal
const NUMBER = 8;
const UNSURE = 16; // personal only under a PERSON parent we may not see (a cut-short body)
const PLACE = 32; // PERSON keys whose plain value is personal too: `"address": "12 rue …"`, not `"customer": "cus_…"`
const keyClasses = new Map<string, number>();

function classOf(key: string): number {
  let c = keyClasses.get(key);
  if (c !== undefined) return c;
  const k = normKey(key);
  c = 0;
  if (SECRET_KEY.test(k) || PERSONAL_KEY.has(k)) c |= SENSITIVE;
  if (PERSONAL_PARENT.has(k)) c |= k === 'customer' ? PERSON : PERSON | PLACE;
  if (k === 'card') c |= CARD;
  if (k === 'number') c |= NUMBER;
  if (k === 'name' || k === 'city' || k === 'state' || k === 'country' || k === 'number') c |= UNSURE;
  if (keyClasses.size < 10_000) keyClasses.set(key, c);
  return c;
}

/** True when a primitive under this key must go, given what its parents were. */
function sensitiveLeaf(c: number, personal: boolean, card: boolean): boolean {
  return personal || (c & (SENSITIVE | PLACE)) !== 0 || (card && (c & NUMBER) !== 0);
}

/** True when a value under this key (path of keys, outermost first) must not be recorded. */
function sensitivePath(path: string[]): boolean {
  let personal = false;
  let card = false;
  for (let i = 0; i < path.length - 1; i++) {
    const c = classOf(path[i] ?? '');
    personal ||= (c & PERSON) !== 0;
    card ||= (c & CARD) !== 0;
  }
  return sensitiveLeaf(classOf(path[path.length - 1] ?? ''), personal, card);
}

/** Whether a key name alone (no parents known) names a secret or personal value. */
export function isSensitiveKey(key: string): boolean {
  return sensitivePath([key]);
}

/** A shape to mask: skipped unless the text holds one of `hints` (a substring test costs next to nothing). */
type Rule = { hints: string[]; apply: (text: string) => string };
type Replacement = string | ((m: string, ...groups: string[]) => string);
const replacing =
  (re: RegExp, to: Replacement) =>
  (text: string): string =>
    text.replace(re, to as string);

// Order matters: URL userinfo before e-mail addresses, Stripe client secrets before API keys.
const TEXT_RULES: Rule[] = [
  { hints: ['@'], apply: replacing(/(\/\/[^/\s:@"'<>]+:)[^@\s/"'<>]+@/g, `$1${REDACTED}@`) },
  {
    hints: ['_secret_'],
    apply: replacing(/\b((?:pi|seti|cs|src)_[A-Za-z0-9]+_secret_)(?!\[)[A-Za-z0-9]+/g, `$1${REDACTED}`),
  },
  {
    hints: ['sk_', 'rk_', 'whsec_', 'lg_'],
    apply: replacing(/\b(?:sk|rk|whsec|lg)_[A-Za-z0-9+/=_-]*/g, (m) => {
      const prefix = /^[a-z]+_(?:test_|live_)?/.exec(m)?.[0] ?? '';
      return m.length - prefix.length < 4 ? m : `${prefix}${REDACTED}`;
    }),
  },
  {
    hints: ['xox', 'xapp-'],
    apply: replacing(/\b(xox[abposre][-_]|xapp-)(?!\[)[A-Za-z0-9-]+/g, `$1${REDACTED}`),
  },
  {
    hints: ['hooks.slack.com'],
    apply: replacing(
      /(hooks\.slack\.com\/(?:services|workflows|triggers)\/)(?!\[)[^\s"'?#<>\\]+/g,
      `$1${REDACTED}`,
    ),
  },
  {
    // Slack stand-in (apps/slack): incoming webhook and response_url paths end with their secret.
    hints: ['/services/T', '/commands/T', '/actions/T'],
    apply: replacing(
      /(\/(?:services|commands|actions)\/T[A-Z0-9]+\/[A-Z0-9]+\/)(?!\[)[A-Za-z0-9]+/g,
      `$1${REDACTED}`,
    ),
  },
  {
    hints: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'],
    apply: replacing(/\b(gh[pousr]_|github_pat_)(?!\[)[A-Za-z0-9_]{16,}/g, `$1${REDACTED}`),
  },
  { hints: ['AKIA', 'ASIA'], apply: replacing(/\b(AKIA|ASIA)[0-9A-Z]{16}\b/g, `$1${REDACTED}`) },
  {
    hints: ['eyJ'],
    apply: replacing(/\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, REDACTED),
  },
  {
    hints: ['Bearer', 'bearer', 'BEARER', 'Basic', 'basic', 'BASIC', 'Token', 'token', 'TOKEN'],
    apply: replacing(/\b(Bearer|Basic|Token)\s+(?!\[)[A-Za-z0-9._~+/=-]{6,}/gi, `$1 ${REDACTED}`),
  },
  { hints: ['@', '%40'], apply: (text) => maskEmails(text) },
  // Query parameters anywhere in the text (URLs in bodies, Location headers): `?signature=…&token=…`.
  {
    hints: ['='],
    apply: replacing(/([?&])([^=&#\s"'<>\\]+)=([^&#\s"'<>\\]*)/g, (m, sep, name, value) =>
      value && value !== REDACTED && isSensitiveKey(safeDecode(name)) ? `${sep}${name}=${REDACTED}` : m,
    ),
  },
];

const isLocalPartChar = (c: number) =>
  (c >= 48 && c <= 57) ||
  (c >= 65 && c <= 90) ||
  (c >= 97 && c <= 122) ||
  c === 46 ||
  c === 95 ||
  c === 37 ||
  c === 43 ||
  c === 45;
const EMAIL_DOMAIN = /^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/;

/**
 * E-mail addresses (also `%40`-encoded), found from each `@` outwards: a regex scanning for the local part
 * from every position cost 20 µs per kilobyte, this costs nothing where there is no `@`.
 */
function maskEmails(text: string): string {
  const at = /@|%40/g;
  let out = '';
  let last = 0;
  for (let m = at.exec(text); m; m = at.exec(text)) {
    let start = m.index;
    while (start > last && m.index - start < 64 && isLocalPartChar(text.charCodeAt(start - 1))) start--;
    const domain = start < m.index && EMAIL_DOMAIN.exec(text.slice(m.index + m[0].length, m.index + 320));
    if (!domain) continue;
    out += text.slice(last, start) + REDACTED;
    last = m.index + m[0].length + domain[0].length;
    at.lastIndex = last;
  }
  return last ? out + text.slice(last) : text;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** Masks secrets and personal data found by their shape in free text (a URL, an error, a plain body). */
export function redactText(text: string): string {
  let out = text;
  for (const rule of TEXT_RULES) if (rule.hints.some((h) => out.includes(h))) out = rule.apply(out);
  return out;
}

/** A URL with its secret-bearing query parameters and credentials masked. */
export function redactUrl(url: string): string {
  return redactText(url);
}

/** Masks a parsed JSON value in place (it is our own copy); true when anything changed. */
function maskJson(node: object, personal: boolean, card: boolean): boolean {
  let changed = false;
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      const v: unknown = node[i];
      if (v !== null && typeof v === 'object') changed = maskJson(v, personal, card) || changed;
      else if (personal && v !== null && v !== REDACTED) {
        node[i] = REDACTED;
        changed = true;
      }
    }
    return changed;
  }
  const record = node as Record<string, unknown>;
  for (const k in record) {
    const v = record[k];
    const c = classOf(k);
    if (v !== null && typeof v === 'object') {
      changed = maskJson(v, personal || (c & PERSON) !== 0, card || (c & CARD) !== 0) || changed;
    } else if (v !== null && v !== REDACTED && sensitiveLeaf(c, personal, card)) {
      record[k] = REDACTED;
      changed = true;
    }
  }
  return changed;
}

// A cut-short JSON body cannot be parsed: mask `"key": value` pairs by key, unsure ones included.
const JSON_PAIR = /"((?:[^"\\]|\\.)*)"(\s*:\s*)("(?:[^"\\]|\\.)*"?|-?\d[\d.eE+-]*)/g;

function redactBrokenJson(text: string): string {
  return redactText(
    text.replace(JSON_PAIR, (m, key: string, colon: string) => {
      return sensitivePath([key]) || (classOf(key) & UNSURE) !== 0 ? `"${key}"${colon}"${REDACTED}"` : m;
    }),
  );
}

function redactForm(body: string): string {
  return body
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      const rawKey = pair.slice(0, eq);
      const rawValue = pair.slice(eq + 1);
      // Stripe-style keys: `shipping[address][line1]` → [shipping, address, line1].
      const path = safeDecode(rawKey)
        .split(/[[\].]+/)
        .filter(Boolean);
      if (rawValue && sensitivePath(path)) return `${rawKey}=${REDACTED}`;
      // Encoded values (URLs with their own query) are looked at decoded; the rest by the whole-body pass.
      if (!/[%+]/.test(rawValue)) return pair;
      const value = safeDecode(rawValue);
      const redacted = redactText(value);
      if (redacted === value) return pair;
      return `${rawKey}=${redacted.split(REDACTED).map(encodeURIComponent).join(REDACTED)}`;
    })
    .join('&');
}

/** Masks secrets and personal data in a body: JSON by key and value, form-encoded by field, else as text. */
export function redactBody(body: string): string {
  const trimmed = body.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return redactBrokenJson(body);
    }
    if (parsed === null || typeof parsed !== 'object' || !maskJson(parsed, false, false))
      return redactText(body);
    const indent = /^\s*[{[]\s*\n([ \t]+)/.exec(body)?.[1];
    // Text rules over the serialised whole: they never add a quote, so the JSON stays valid.
    return redactText(JSON.stringify(parsed, null, indent));
  }
  if (!/\s/.test(body) && /^[^=&]+=/.test(body)) return redactText(redactForm(body));
  return redactText(body);
}

const AUTH_SCHEME = /^(\s*(?:Bearer|Basic|Token|Digest|Signature|HMAC[\w-]*|AWS4-HMAC-SHA256)\s+)?/i;
const KEY_PREFIX = /^(?:(?:sk|rk|pk|whsec|lg)_(?:test_|live_)?|xox[a-z]-|gh[pousr]_)/;

/** A credential with only its scheme and key type kept: `Bearer sk_test_[redacted]`. */
function maskCredential(value: string): string {
  const scheme = AUTH_SCHEME.exec(value)?.[1] ?? '';
  const rest = value.slice(scheme.length);
  if (!rest) return value;
  return `${scheme}${KEY_PREFIX.exec(rest)?.[0] ?? ''}${REDACTED}`;
}

/** A signature header with its structure kept (`t=…,v1=[redacted]`) and every long token masked. */
function maskSignature(value: string): string {
  return value.replace(/[A-Za-z0-9+/_-]{8,}={0,2}/g, (m) =>
    /^\d+$/.test(m) || m === 'redacted' ? m : REDACTED,
  );
}

function maskCookies(value: string, set: boolean): string {
  if (set) return value.replace(/^([^=;]+)=[^;]*/, `$1=${REDACTED}`);
  return value.replace(/([^=;\s]+)=[^;]*/g, `$1=${REDACTED}`);
}

const CREDENTIAL_HEADER = /authorization|api-?key|token|secret|password|credential|session/;

/** Masks one header's value: credentials, signatures and cookies by name, anything else by its shape. */
export function redactHeader(name: string, value: string): string {
  const key = name.toLowerCase();
  if (key === 'cookie' || key === 'set-cookie') return maskCookies(value, key === 'set-cookie');
  if (key.includes('signature')) return maskSignature(value);
  if (CREDENTIAL_HEADER.test(key)) return maskCredential(value);
  return redactText(value);
}

/** Header map (Headers or a record) → a plain record with lower-case names, each value redacted. */
export function redactHeaders(
  headers: Headers | Record<string, string | string[] | undefined>,
): Record<string, string> {
  const out: Record<string, string> = {};
  const entries: [string, string][] =
    headers instanceof Headers
      ? [...headers.entries()]
      : Object.entries(headers).flatMap(([k, v]) =>
          v === undefined ? [] : [[k, Array.isArray(v) ? v.join(', ') : String(v)]],
        );
  for (const [k, v] of entries) out[k.toLowerCase()] = redactHeader(k, v);
  return out;
}
