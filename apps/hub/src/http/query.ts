// Query schemas of the JSON API, shared by the handlers and the API docs.
import { ApiError } from '@hooklab/service';
import { z } from 'zod';

export const limitQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .optional()
    .describe('At most this many (default HUB_PAGE_LIMIT).'),
});

export const subscriptionsQuery = limitQuery.extend({
  topic: z.url().optional().describe('Only this topic’s subscriptions.'),
});

export const deliveriesQuery = limitQuery;

/** Parses a query or throws a 400 problem+json naming the first bad parameter. */
export function parseQuery<S extends z.ZodType>(schema: S, query: Record<string, string>): z.infer<S> {
  const result = schema.safeParse(query);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw new ApiError({
    status: 400,
    code: 'invalid_query',
    param: issue.path.join('.'),
    message: `${issue.path.join('.') || 'query'}: ${issue.message}`,
  });
}
