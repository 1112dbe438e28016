`webhooks/out/<topic>.ts`: what __app__ sends: event types, payload builders, enqueue into the outbox (SSRF options from `ssrfOptionsOf(config)`).
