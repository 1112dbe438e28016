import { ApiError, bodyLimit } from '@hooklab/service';

/** Webhook bodies past this size are refused (413 problem+json) before they are read. */
export const webhookBodyLimit = bodyLimit({ maxBytes: 512 * 1024 });

/** A delivery refused before it touches anything (400: the sender should not count it as delivered). */
export const refuse = (message: string, code = 'signature_invalid') =>
  new ApiError({ status: 400, code, message });
