import { index, integer, primaryKey, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const products = sqliteTable('products', {
  id: text('id').primaryKey(),
  sku: text('sku').unique(),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  description: text('description').notNull(),
  amountCents: integer('amount_cents').notNull(),
  currency: text('currency').notNull(),
  /** A colour for the storefront swatch (no images in the repo). */
  swatch: text('swatch').notNull(),
  /** Units free to sell (on hand, minus those held for open checkouts); null when made to order. */
  stock: integer('stock'),
});

export const orders = sqliteTable(
  'orders',
  {
    id: text('id').primaryKey(),
    status: text('status').notNull(),
    confirmation: text('confirmation').notNull(),
    customerName: text('customer_name').notNull(),
    customerEmail: text('customer_email').notNull(),
    shipTo: text('ship_to', { mode: 'json' }).notNull().$type<ShipTo>(),
    /** The customer session (bag cookie) that placed it: only that session and the back office may read it. */
    sessionId: text('session_id'),
    amountCents: integer('amount_cents').notNull(),
    currency: text('currency').notNull(),
    checkoutSessionId: text('checkout_session_id'),
    paymentIntentId: text('payment_intent_id'),
    /** A delayed method (bank debit) was submitted and is not settled yet: nothing to pay, nothing paid. */
    paymentProcessing: integer('payment_processing', { mode: 'boolean' }).notNull().default(false),
    failureReason: text('failure_reason'),
    /** The order's units: none → held (checkout) → sold (paid), or released (expired, canceled, refunded). */
    stockState: text('stock_state').notNull().default('none'),
    /** When the hold ends: the Checkout Session's `expires_at`, in ms. */
    stockHeldUntil: integer('stock_held_until'),
    /** pending (to send) → requested (payments accepted it), or failed (the back office must act). */
    refundStatus: text('refund_status'),
    refundId: text('refund_id'),
    refundError: text('refund_error'),
    amountRefundedCents: integer('amount_refunded_cents').notNull().default(0),
    shipmentId: text('shipment_id'),
    carrier: text('carrier'),
    trackingNumber: text('tracking_number'),
    labelUrl: text('label_url'),
    trackingStatus: text('tracking_status'),
    trackingLocation: text('tracking_location'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    paidAt: integer('paid_at'),
    fulfilledAt: integer('fulfilled_at'),
    deliveredAt: integer('delivered_at'),
    refundedAt: integer('refunded_at'),
  },
  (t) => [
    index('orders_pi').on(t.paymentIntentId),
    index('orders_session').on(t.checkoutSessionId),
    index('orders_customer_session').on(t.sessionId, t.createdAt),
    index('orders_stock_held').on(t.stockState, t.stockHeldUntil),
    index('orders_refund').on(t.refundStatus),
  ],
);

export const orderItems = sqliteTable('order_items', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  orderId: text('order_id')
    .notNull()
    .references(() => orders.id),
  productId: text('product_id').notNull(),
  sku: text('sku'),
  name: text('name').notNull(),
  unitAmountCents: integer('unit_amount_cents').notNull(),
  quantity: integer('quantity').notNull(),
});

/** Every status change and noteworthy fact of an order, in order: the order page's history and the SSE feed. */
export const orderEvents = sqliteTable(
  'order_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    orderId: text('order_id').notNull(),
    type: text('type').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status').notNull(),
    source: text('source').notNull(),
    detail: text('detail', { mode: 'json' }).$type<Record<string, unknown>>(),
    at: integer('at').notNull(),
  },
  (t) => [index('order_events_order').on(t.orderId, t.id)],
);

export const carts = sqliteTable('carts', {
  id: text('id').primaryKey(),
  createdAt: integer('created_at').notNull(),
});

export const cartItems = sqliteTable(
  'cart_items',
  {
    cartId: text('cart_id').notNull(),
    productId: text('product_id').notNull(),
    quantity: integer('quantity').notNull(),
  },
  (t) => [primaryKey({ columns: [t.cartId, t.productId] })],
);

/** Webhook inbox: one row per message id handled, so a redelivery is answered without effect. */
export const inbox = sqliteTable(
  'inbox',
  {
    source: text('source').notNull(),
    messageId: text('message_id').notNull(),
    type: text('type').notNull(),
    receivedAt: integer('received_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.source, t.messageId] })],
);

export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

/** How each order learnt it was paid: the S02 counters, per order. */
export const confirmations = sqliteTable('confirmations', {
  orderId: text('order_id').primaryKey(),
  mode: text('mode').notNull(),
  paymentIntentId: text('payment_intent_id'),
  requests: integer('requests').notNull().default(0),
  requestsNothingNew: integer('requests_nothing_new').notNull().default(0),
  deliveries: integer('deliveries').notNull().default(0),
  startedAt: integer('started_at').notNull(),
  /**
   * The window in which the payment changed (epoch ms): after `changeAfter`, before `changeBefore`. Polling:
   * the last poll that still saw it pending, and the first that saw it paid; webhook: the event's `created`
   * (whole seconds, so a one-second window) bounded by our receive time.
   */
  changeAfter: real('change_after'),
  changeBefore: real('change_before'),
  changeSource: text('change_source'),
  knownAt: real('known_at'),
  finalStatus: text('final_status'),
});

export const manifests = sqliteTable('manifests', {
  id: text('id').primaryKey(),
  date: text('date'),
  url: text('url').notNull(),
  contentType: text('content_type'),
  expectedSize: integer('expected_size'),
  expectedSha256: text('expected_sha256'),
  expiresAt: text('expires_at'),
  status: text('status').notNull(),
  actualSize: integer('actual_size'),
  actualSha256: text('actual_sha256'),
  httpStatus: integer('http_status'),
  detail: text('detail'),
  receivedAt: integer('received_at').notNull(),
  checkedAt: integer('checked_at'),
});

export interface ShipTo {
  name: string;
  line1: string;
  city: string;
  postal_code: string;
  country: string;
}

export type Product = typeof products.$inferSelect;
export type Order = typeof orders.$inferSelect;
export type NewOrder = typeof orders.$inferInsert;
export type OrderItem = typeof orderItems.$inferSelect;
export type OrderEvent = typeof orderEvents.$inferSelect;
export type Confirmation = typeof confirmations.$inferSelect;
export type Manifest = typeof manifests.$inferSelect;

/** Third parties told about orders (`/v1/webhook_endpoints`): Standard Webhooks, one secret each. */
export const webhookEndpoints = sqliteTable('webhook_endpoints', {
  id: text('id').primaryKey(),
  url: text('url').notNull(),
  /** `whsec_…`, shown once at creation, used to sign every delivery. */
  secret: text('secret').notNull(),
  /** JSON array of event types, or `["*"]`. */
  enabledEvents: text('enabled_events', { mode: 'json' }).$type<string[]>().notNull(),
  description: text('description'),
  createdAt: integer('created_at').notNull(),
});

export type WebhookEndpoint = typeof webhookEndpoints.$inferSelect;
