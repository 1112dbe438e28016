import { type ApiDocs, createApiDocs } from '@hooklab/service';
import { z } from 'zod';
import { STRIPE_SECURITY_SCHEMES, type StripeRoute, stripeRouteDocs } from './http/openapi.ts';
import { chargeRouteDocs } from './routes/charges.ts';
import { checkoutSessionRouteDocs } from './routes/checkout-sessions.ts';
import { eventRouteDocs } from './routes/events.ts';
import { paymentIntentRouteDocs } from './routes/payment-intents.ts';
import { priceRouteDocs } from './routes/prices.ts';
import { productRouteDocs } from './routes/products.ts';
import { refundRouteDocs } from './routes/refunds.ts';
import { webhookEndpointRouteDocs } from './routes/webhook-endpoints.ts';
import { API_VERSION } from './webhooks/out/events.ts';

/** Where app.ts mounts each router, with its docs; the openapi test fails if the two disagree. */
const RESOURCES: [prefix: string, tag: string, routes: StripeRoute[]][] = [
  ['/v1/payment_intents', 'PaymentIntents', paymentIntentRouteDocs],
  ['/v1/charges', 'Charges', chargeRouteDocs],
  ['/v1/refunds', 'Refunds', refundRouteDocs],
  ['/v1/checkout/sessions', 'Checkout Sessions', checkoutSessionRouteDocs],
  ['/v1/products', 'Products', productRouteDocs],
  ['/v1/prices', 'Prices', priceRouteDocs],
  ['/v1/events', 'Events', eventRouteDocs],
  ['/v1/webhook_endpoints', 'Webhook endpoints', webhookEndpointRouteDocs],
];

/** HTML for people, not API: hosted checkout, 3-D Secure, the dashboard. */
export const PAGE_PREFIXES = ['/pay/', '/3ds/', '/dashboard'];
export const isPage = (_method: string, path: string) => PAGE_PREFIXES.some((p) => path.startsWith(p));

const DESCRIPTION = `The part of Stripe's API that Hooklab's payments stand-in implements, for the official \`stripe\` SDK
pointed here with \`host\`, \`port\` and \`protocol\`.

**Parameters travel as Stripe takes them**: an \`application/x-www-form-urlencoded\` body on POST, the query string on
GET and DELETE (a JSON body is a 400). Brackets nest: \`metadata[order_id]=o_1\` is \`{ metadata: { order_id: "o_1" } }\`,
\`line_items[0][price]=price_1\` and \`expand[]=latest_charge\` are arrays. Each parameter schema below is the object
the form decodes to — the very zod schema the route validates it with; every leaf is a string on the wire, so integers
and booleans are shown as the strings they are sent as (\`amount=2000\`, \`confirm=true\`). An empty value (\`metadata=\`)
unsets. An unknown parameter is a 400 \`parameter_unknown\` naming it.

POSTs take an \`Idempotency-Key\` header (replayed for \`PAYMENTS_IDEMPOTENCY_TTL_HOURS\`); every answer carries
\`Request-Id\` and \`Stripe-Version\`; every error is Stripe's error object \`{ error: { type, code, param, message } }\`.
Webhooks go out signed with \`Stripe-Signature\` to the endpoints registered with \`/v1/webhook_endpoints\`.`;

const serviceInfo = z.object({
  service: z.literal('payments'),
  description: z.string(),
  api: z.literal('/v1'),
  docs: z.literal('/docs'),
  dashboard: z.literal('/dashboard').nullable().describe('Served in dev mode only.'),
});

/** The OpenAPI document of the Stripe subset, built from the schemas each route validates with. */
export function paymentsApiDocs(): ApiDocs {
  const docs = createApiDocs({
    title: 'Hooklab payments — the Stripe subset',
    version: API_VERSION,
    description: DESCRIPTION,
    securitySchemes: STRIPE_SECURITY_SCHEMES,
  });
  for (const [prefix, tag, routes] of RESOURCES) {
    for (const route of stripeRouteDocs(prefix, tag, routes)) docs.add(route);
  }
  docs.add({
    method: 'GET',
    path: '/',
    summary: 'What this service is (Hooklab)',
    tags: ['Hooklab'],
    security: [],
    responses: {
      200: { description: 'Where the API, its docs and the dashboard are.', schema: serviceInfo },
    },
  });
  return docs;
}
