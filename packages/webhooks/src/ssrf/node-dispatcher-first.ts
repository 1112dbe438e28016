// Imported before `undici` (v7, for the pinned-address Agent). On import, undici installs an Agent of its own
// as the process-wide dispatcher of `fetch` when none is set yet, so Node 20's built-in fetch would then send
// through undici 7, which refuses the Content-Length header the stripe SDK's fetch client sets ("invalid
// content-length header"). One call to Node's fetch first makes Node install its own dispatcher: importing
// this package then changes nothing about anyone else's fetch.
void globalThis.fetch?.('data:,').catch(() => undefined);
