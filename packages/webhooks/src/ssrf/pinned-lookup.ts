import { isIP, type LookupFunction } from 'node:net';

/** A `lookup` for `net.connect` that answers with the given addresses and never asks DNS. */
export function pinnedLookup(addresses: readonly string[]): LookupFunction {
  const list = addresses.map((address) => ({ address, family: isIP(address) === 6 ? 6 : 4 }));
  return (_hostname, options, callback) => {
    if (list.length === 0) {
      const err = Object.assign(new Error('no checked address to connect to'), { code: 'ENOTFOUND' });
      return (callback as (err: Error) => void)(err);
    }
    if ((options as { all?: boolean }).all) {
      (callback as unknown as (err: null, all: typeof list) => void)(null, list);
    } else {
      callback(null, list[0]!.address, list[0]!.family);
    }
  };
}
