export { createHttpTransport, type HttpTransportOptions } from './http-transport.ts';
export type { Transport, TransportRequest, TransportResult } from './types.ts';
