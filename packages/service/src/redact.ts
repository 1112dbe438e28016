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

/** Keys that are personal only under a parent we cannot see when a JSON body is cut short. */
const CONTEXT_KEY = new Set(['name', 'city', 'state', 'country', 'number']);

const normKey = (k: string) =>
  k
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');

/** True when a value under this key (path of keys, outermost first) must not be recorded. */
function sensitivePath(path: string[]): boolean {
  const leaf = normKey(path[path.length - 1] ?? '');
  if (SECRET_KEY.test(leaf) || PERSONAL_KEY.has(leaf)) return true;
  // `"address": "12 rue …"` is personal; `"customer": "cus_…"` is an id.
  if (PERSONAL_PARENT.has(leaf) && leaf !== 'customer') return true;
  for (let i = 0; i < path.length - 1; i++) {
    const k = normKey(path[i] ?? '');
    if (PERSONAL_PARENT.has(k)) return true;
    if (k === 'card' && leaf === 'number') return true;
  }
  return false;
}

/** Whether a key name alone (no parents known) names a secret or personal value. */
export function isSensitiveKey(key: string): boolean {
  return sensitivePath([key]);
}

type Rule = [RegExp, string | ((m: string, ...g: string[]) => string)];

// Order matters: URL userinfo before e-mail addresses, Stripe client secrets before API keys.
const TEXT_RULES: Rule[] = [
  [/(\/\/[^/\s:@"'<>]+:)[^@\s/"'<>]+@/g, `$1${REDACTED}@`],
  [/\b((?:pi|seti|cs|src)_[A-Za-z0-9]+_secret_)(?!\[)[A-Za-z0-9]+/g, `$1${REDACTED}`],
  [
    /\b(?:sk|rk|whsec|lg)_[A-Za-z0-9+/=_-]*/g,
    (m) => {
      const prefix = /^[a-z]+_(?:test_|live_)?/.exec(m)?.[0] ?? '';
      return m.length - prefix.length < 4 ? m : `${prefix}${REDACTED}`;
    },
  ],
  [/\b(xox[abposre][-_]|xapp-)(?!\[)[A-Za-z0-9-]+/g, `$1${REDACTED}`],
  [/(hooks\.slack\.com\/(?:services|workflows|triggers)\/)(?!\[)[^\s"'?#<>\\]+/g, `$1${REDACTED}`],
  [/\b(gh[pousr]_|github_pat_)(?!\[)[A-Za-z0-9_]{16,}/g, `$1${REDACTED}`],
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/g, `$1${REDACTED}`],
  [/\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, REDACTED],
  [/\b(Bearer|Basic|Token)\s+(?!\[)[A-Za-z0-9._~+/=-]{6,}/gi, `$1 ${REDACTED}`],
  // Bounded local part and a look-behind start: no quadratic scan over long tokens without an `@`.
  [
    /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}(?:@|%40)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g,
    REDACTED,
  ],
  // Query parameters anywhere in the text (URLs in bodies, Location headers): `?signature=…&token=…`.
  [
    /([?&])([^=&#\s"'<>\\]+)=([^&#\s"'<>\\]*)/g,
    (m, sep, name, value) =>
      value && value !== REDACTED && isSensitiveKey(safeDecode(name)) ? `${sep}${name}=${REDACTED}` : m,
  ],
];

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
  for (const [re, to] of TEXT_RULES) out = out.replace(re, to as string);
  return out;
}

/** A URL with its secret-bearing query parameters and credentials masked. */
export function redactUrl(url: string): string {
  return redactText(url);
}

function redactJsonValue(value: unknown, path: string[]): { value: unknown; changed: boolean } {
  if (value === null || value === undefined) return { value, changed: false };
  if (Array.isArray(value)) {
    let changed = false;
    const out = value.map((v) => {
      const r = redactJsonValue(v, path);
      changed ||= r.changed;
      return r.value;
    });
    return { value: out, changed };
  }
  if (typeof value === 'object') {
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const childPath = [...path, k];
      if (v !== null && typeof v !== 'object' && sensitivePath(childPath)) {
        out[k] = v === REDACTED ? v : REDACTED;
        changed ||= v !== REDACTED;
        continue;
      }
      const r = redactJsonValue(v, childPath);
      out[k] = r.value;
      changed ||= r.changed;
    }
    return { value: out, changed };
  }
  return { value, changed: false };
}

// A cut-short JSON body cannot be parsed: mask `"key": value` pairs by key, unsure ones included.
const JSON_PAIR = /"((?:[^"\\]|\\.)*)"(\s*:\s*)("(?:[^"\\]|\\.)*"?|-?\d[\d.eE+-]*)/g;

function redactBrokenJson(text: string): string {
  return redactText(
    text.replace(JSON_PAIR, (m, key: string, colon: string) => {
      const k = normKey(key);
      return sensitivePath([key]) || CONTEXT_KEY.has(k) ? `"${key}"${colon}"${REDACTED}"` : m;
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
    const r = redactJsonValue(parsed, []);
    if (!r.changed) return redactText(body);
    const indent = /^\s*[{[]\s*\n([ \t]+)/.exec(body)?.[1];
    // Text rules over the serialised whole: they never add a quote, so the JSON stays valid.
    return redactText(JSON.stringify(r.value, null, indent));
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
