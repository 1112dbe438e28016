export { InvalidKeyError, isValidKey } from './keys.ts';
export { createLocalBlobStore, type LocalBlobStore, type LocalBlobStoreOptions } from './local-store.ts';
export { parseRange, type RangeResult } from './range.ts';
export { blobRoutes } from './routes.ts';
export { createS3BlobStore, type S3BlobStore, type S3BlobStoreOptions } from './s3-store.ts';
export { blobSecretProblem, DEV_BLOB_SECRET } from './secret.ts';
export { checkBlobUrl, signBlobUrl, type UrlCheck } from './signing.ts';
export type { BlobData, BlobInfo, BlobStore, PutOptions, SignedUrlOptions } from './types.ts';
export { MAX_EXPIRY_SEC } from './types.ts';
