// The shop's wire shapes for its API docs (/docs, /openapi.json): the answers its routes give. What the routes
// accept is described by the very schemas they validate with, next to each handler.
import type { ResponseDoc } from '@hooklab/service';
import { z } from 'zod';
import { ORDER_STATUSES } from '../domain/order-status.ts';

/** RFC 9457 problem+json, as the kit renders every error of /api/ and /webhooks/. */
export const problemSchema = z
  .looseObject({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string(),
    param: z.string().optional(),
    issues: z
      .array(z.looseObject({ path: z.array(z.union([z.string(), z.number()])), message: z.string() }))
      .optional(),
    request_id: z.string().optional(),
  })
  .meta({ id: 'Problem' });

/** An error answer in problem+json. */
export const problem = (description: string): ResponseDoc => ({
  description,
  schema: problemSchema,
  contentType: 'application/problem+json',
});

export const SHOP_SECURITY_SCHEMES = {
  adminKey: {
    type: 'http',
    scheme: 'bearer',
    description: 'The back-office key, SHOP_ADMIN_KEY (a browser may send it as the Basic password).',
  },
  bagCookie: {
    type: 'apiKey',
    in: 'cookie',
    name: 'atelier_cart',
    description: "The customer's session: it sees only the orders it placed. `POST /api/orders` sets it.",
  },
};

/** The back office, or the customer session that placed the order. */
export const ORDER_SECURITY: Record<string, string[]>[] = [{ adminKey: [] }, { bagCookie: [] }];

const nullable = <T extends z.ZodType>(t: T) => t.nullable();

export const orderSchema = z
  .object({
    id: z.string(),
    object: z.literal('order'),
    status: z.enum(ORDER_STATUSES),
    confirmation: z.enum(['webhook', 'polling']),
    customer: z.object({ name: z.string(), email: z.string() }),
    ship_to: z.object({
      name: z.string(),
      line1: z.string(),
      city: z.string(),
      postal_code: z.string(),
      country: z.string(),
    }),
    items: z.array(
      z.object({
        product_id: z.string(),
        sku: nullable(z.string()),
        name: z.string(),
        quantity: z.number().int(),
        unit_amount: z.number().int().describe('Minor units (cents).'),
        amount: z.number().int(),
      }),
    ),
    amount_total: z.number().int(),
    currency: z.string(),
    payment: z.object({
      checkout_session_id: nullable(z.string()),
      payment_intent_id: nullable(z.string()),
      processing: z.boolean().describe('A delayed payment (bank debit) is on its way.'),
    }),
    failure_reason: nullable(z.string()),
    refund: nullable(
      z.object({
        status: z.enum(['pending', 'requested', 'failed', 'refunded']),
        id: nullable(z.string()),
        amount_refunded: z.number().int(),
      }),
    ),
    shipment: nullable(
      z.object({
        id: nullable(z.string()),
        carrier: nullable(z.string()),
        tracking_number: nullable(z.string()),
        label_url: nullable(z.string()),
        tracking_status: nullable(z.string()),
        location: nullable(z.string()),
      }),
    ),
    created_at: z.iso.datetime(),
    paid_at: nullable(z.iso.datetime()),
    fulfilled_at: nullable(z.iso.datetime()),
    delivered_at: nullable(z.iso.datetime()),
    refunded_at: nullable(z.iso.datetime()),
    url: z.string().describe("The order's page."),
  })
  .meta({ id: 'Order' });

/** What a webhook receiver answers once the delivery is committed (or was a duplicate). */
export const receivedSchema = z
  .looseObject({
    received: z.literal(true),
    duplicate: z.boolean().optional(),
    orderId: z.string().optional(),
    action: z.string().describe('What it did: moved_to_paid, duplicate, unknown_order, ignored_type…'),
  })
  .meta({ id: 'WebhookReceived' });
