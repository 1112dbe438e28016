import { ApiError } from '@hooklab/service';
import { bodyLimit } from 'hono/body-limit';

const WEBHOOK_MAX_BYTES = 512 * 1024;

/** Webhook bodies past this size are refused (413) before they are read. */
export const webhookBodyLimit = bodyLimit({
  maxSize: WEBHOOK_MAX_BYTES,
  onError: () => {
    throw new ApiError({
      status: 413,
      code: 'payload_too_large',
      message: `Webhook bodies are limited to ${WEBHOOK_MAX_BYTES} bytes`,
    });
  },
});

/** A delivery refused before it touches anything (400: the sender should not count it as delivered). */
export const refuse = (message: string, code = 'signature_invalid') =>
  new ApiError({ status: 400, code, message });
