`http/`: __app__'s API dialect — `auth.ts`, `idempotency.ts` (its use of the shared middleware), `errors.ts` (its wire error format; problem+json by default).
