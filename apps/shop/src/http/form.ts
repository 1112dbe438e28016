import { ApiError, bodyLimit } from '@hooklab/service';

/** The storefront's forms are small: 413 beyond this, as the shop's error page for a browser. */
export const formLimit = bodyLimit({
  maxBytes: 16 * 1024,
  onTooLarge: () => {
    throw new ApiError({ status: 413, code: 'payload_too_large', message: 'Form too large' });
  },
});

/** One text field of a parsed form, trimmed; '' when missing or a file. */
export function field(form: Record<string, unknown>, name: string): string {
  const v = form[name];
  return typeof v === 'string' ? v.trim() : '';
}
