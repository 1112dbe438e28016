import { ApiError, errors } from '@hooklab/service';
import { parseCallbackTarget } from '@hooklab/webhooks';
import type { Context } from 'hono';
import countries from 'i18n-iso-countries';
import { z } from 'zod';

// A CommonJS package: its functions are reachable from Node's ESM only through the default export.
const alpha2Codes = new Set(Object.keys(countries.getAlpha2Codes()));

/** An ISO 3166-1 alpha-2 code that is assigned (FR, DE, US…), upper case as the standard writes it. */
export const countryCode = z.string().refine((code) => /^[A-Z]{2}$/.test(code) && alpha2Codes.has(code), {
  error: (issue) =>
    typeof issue.input === 'string' && /^[a-z]{2}$/.test(issue.input)
      ? `an ISO 3166-1 alpha-2 code in upper case, such as ${issue.input.toUpperCase()}`
      : 'an assigned ISO 3166-1 alpha-2 country code such as FR',
});

const text = (max: number) => z.string().trim().min(1).max(max);
const postalCode = z
  .string()
  .regex(/^[A-Za-z0-9 -]{2,12}$/, 'a postal code of 2–12 letters, digits, spaces or -');
/**
 * A callback target: an http(s) URL, `mailto:one@address`, `queue:NAME` or `topic:NAME/…` (the engine's
 * transports). The shape is checked here; http(s) targets also pass the SSRF guard in the route.
 */
const url = z
  .string()
  .max(2048)
  .superRefine((value, ctx) => {
    const parsed = parseCallbackTarget(value);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.reason, params: { reason: parsed.code } });
  });

export const itemSchema = z.strictObject({
  sku: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'letters, digits, _ . - (at most 64)'),
  name: text(200).optional(),
  quantity: z.number().int().min(1).max(1000),
});

export const addressSchema = z.strictObject({
  name: text(200),
  line1: text(200),
  line2: z.string().max(200).optional(),
  city: text(100),
  postal_code: postalCode,
  country: countryCode,
});

export const orderSchema = z.strictObject({
  order_id: z.string().regex(/^[A-Za-z0-9_.:-]{1,100}$/, 'letters, digits, _ . : - (at most 100)'),
  items: z.array(itemSchema).min(1).max(100),
  ship_to: addressSchema,
  callback_url: url.optional(),
});

export const shipmentCreateSchema = orderSchema.extend({
  notify_url: url.optional(),
  notify_secret: z
    .string()
    .regex(/^whsec_[A-Za-z0-9+/]{32,}={0,2}$/, 'a Standard Webhooks secret: whsec_ + base64 of 24–64 bytes')
    .optional(),
});

export const inboundOrderSchema = z.object({
  type: z.string().min(1).max(100),
  timestamp: z.string().max(40).optional(),
  data: z.unknown(),
});

export const quoteCreateSchema = z.strictObject({
  origin_postal_code: postalCode,
  destination_postal_code: postalCode,
  destination_country: countryCode.default('FR'),
  weight_grams: z.number().int().min(1).max(1_000_000),
  callback_url: url.optional(),
});

export const manifestCreateSchema = z.strictObject({
  date: z.iso.date().optional(),
  callback_url: url.optional(),
  /** Demo knob: pad the manifest with realistic sample rows up to this size. */
  min_bytes: z
    .number()
    .int()
    .min(0)
    .max(64 * 1024 * 1024)
    .default(0),
  /** Lifetime of the signed URL in the callback. */
  expires_in_sec: z.number().int().min(1).max(604_800).optional(),
});

/**
 * Parses a JSON body: another or no content type → 415 `unsupported_media_type`, malformed JSON → 400
 * `malformed_body`, a schema miss → 400 `validation_failed`.
 */
export async function jsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i.test(type)) {
    throw new ApiError({
      status: 415,
      code: 'unsupported_media_type',
      message: type
        ? `Send the body as application/json, not ${type.split(';')[0]!.trim().slice(0, 100)}`
        : 'Send the body as application/json (the Content-Type header is missing)',
      headers: { accept: 'application/json' },
    });
  }
  const raw = await c.req.text();
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw errors.badRequest('The request body must be a JSON object', undefined, 'malformed_body');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw errors.badRequest('The request body must be a JSON object', undefined, 'malformed_body');
  }
  return schema.parse(value);
}

/** `GET /v1/shipments` */
export const listShipmentsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  starting_after: z.string().max(100).optional().describe('A shipment id: the page after it.'),
  order_id: z.string().max(100).optional(),
});

/** `/v1/{shipments,quotes,manifests}/:id…` */
export const jobIdParams = z.object({
  id: z.string().max(100).describe('The job id (`shp_…`, `qte_…`, `mfst_…`).'),
});

/** The status URL of a job: once done it answers 303 to the result, unless `view=status`. */
export const jobStatusQuery = z.object({
  view: z.string().max(20).optional().describe('`status`: answer the status even when done, instead of 303.'),
});

/** `GET /v1/manifests/:id/result` */
export const manifestResultQuery = z.object({
  refresh: z.string().max(10).optional().describe('`true`: sign a fresh URL (the old one may have expired).'),
});
