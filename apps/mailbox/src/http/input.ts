import { z } from 'zod';

/** Query of `GET /api/v1/messages`: a page (newest first), optionally only one recipient's or a search. */
export function listMessagesQuery(maxLimit: number) {
  return z.object({
    limit: z.coerce
      .number({ error: 'limit must be a number' })
      .int('limit must be a whole number')
      .min(1, 'limit must be at least 1')
      .max(maxLimit, `limit must be at most ${maxLimit}`)
      .default(Math.min(50, maxLimit))
      .describe('Messages per page.'),
    starting_after: z
      .string()
      .regex(/^msg_[0-9a-f]{24}$/, 'starting_after must be a message id')
      .optional()
      .describe('The id of the last message of the previous page.'),
    to: z
      .string()
      .trim()
      .min(3)
      .max(254)
      .regex(/^[^\s@]+@[^\s@]+$/, 'to must be an e-mail address')
      .optional()
      .describe('Only messages to this address (envelope, To or Cc), case-insensitive.'),
    q: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .describe('Words to find in the subject, sender, recipients or text; every word must match.'),
  });
}

export const messageIdParams = z.object({ id: z.string().describe('A message id, `msg_…`.') });
