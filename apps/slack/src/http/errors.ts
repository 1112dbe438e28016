// Our own APIs (admin, UI) answer problem+json: domain refusals are turned into the kit's ApiError here.
import { ApiError } from '@hooklab/service';
import type { z } from 'zod';
import { AppConfigError } from '../domain/apps.ts';
import { SlackError } from '../domain/errors.ts';

export async function asProblem<T>(work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AppConfigError) {
      throw new ApiError({
        status: error.status,
        code: error.code,
        message: error.message,
        param: error.param,
      });
    }
    if (error instanceof SlackError)
      throw new ApiError({ status: 400, code: error.error, message: error.error });
    throw error;
  }
}

/** A JSON body validated with `schema` (zod issues become the kit's validation problem). */
export async function jsonBody<S extends z.ZodType>(
  req: { json(): Promise<unknown> },
  schema: S,
): Promise<z.infer<S>> {
  let raw: unknown;
  try {
    raw = await req.json();
  } catch {
    throw new ApiError({ status: 400, code: 'malformed_body', message: 'The body is not JSON' });
  }
  return schema.parse(raw);
}
