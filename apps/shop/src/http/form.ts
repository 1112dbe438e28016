import { ApiError } from '@hooklab/service';
import { bodyLimit } from 'hono/body-limit';

/** The storefront's forms are small: 413 beyond this. */
export const formLimit = bodyLimit({
  maxSize: 16 * 1024,
  onError: () => {
    throw new ApiError({ status: 413, code: 'payload_too_large', message: 'Form too large' });
  },
});

/** One text field of a parsed form, trimmed; '' when missing or a file. */
export function field(form: Record<string, unknown>, name: string): string {
  const v = form[name];
  return typeof v === 'string' ? v.trim() : '';
}
