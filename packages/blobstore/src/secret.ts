/** The signing secret the repo ships for local development: public, so links signed with it can be forged. */
export const DEV_BLOB_SECRET = 'hooklab-logistics-dev-blob-url-secret';

/**
 * Why `secret` must not sign URLs here, or undefined when it may: the shipped dev secret is refused outside
 * dev mode, so a deployment fails at start (a config error) instead of handing out forgeable links.
 */
export function blobSecretProblem(secret: string, opts: { dev: boolean }): string | undefined {
  if (opts.dev || secret !== DEV_BLOB_SECRET) return undefined;
  return 'is the built-in dev secret, which anyone with this repo can sign links with; outside dev mode (HOOKLAB_DEV=1) set your own, e.g. `openssl rand -hex 32`';
}
