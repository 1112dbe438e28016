# __App__ (port __port__)

_Role:_ what __app__ plays in the story, in two or three sentences: which company it is, what it keeps, who
relies on it. (Made by `pnpm new:app __app__`; replace every line in italics.)

Run it alone with `pnpm --filter @hooklab/__app__ dev` (dev mode, reloads on save), or with every app through
`pnpm dev`. `GET /healthz` answers `{ok, service, uptimeSec}`; in dev mode the kit also serves the exchange
recorder, its stream and the control API under `/_hooklab/` (see packages/service/README.md).

## Calls

_The other services' APIs it calls (clients/), with the credentials it uses; or "none"._

## Webhooks

| direction | event | to / from | signature | file |
| --------- | ----- | --------- | --------- | ---- |
| in        | _…_   | _sender_  | _scheme_  | `src/webhooks/in/<sender>.ts` |
| out       | _…_   | _receiver_ | _scheme_ | `src/webhooks/out/<topic>.ts` |

## Environment

Every variable is read in `src/config.ts`, each with a laptop default; the kit's own (`HOOKLAB_DEV`,
`HOOKLAB_DEV_TOKEN`, `HOST`, `DATA_DIR`, `LOG_LEVEL`, `WEBHOOK_*`, `HTTP_*_TIMEOUT_MS`) are in
packages/service/README.md.

| variable | default | what it does |
| -------- | ------- | ------------ |
__PORT_ROWS__| `__APP___PAGE_LIMIT` | 100 | _an example: largest page a list route returns_ |

## Code map

| where | what |
| ----- | ---- |
| `src/main.ts` | `start(env)`: config → (db + migrations) → context → (workers) → serve |
| `src/app.ts` | `createApp(ctx)`: the routers mounted on the kit's app |
| `src/context.ts` | `__App__Context`, the one deps container |
| `src/config.ts` | `__camel__ConfigSchema`, `load__App__Config(env)` |
| `src/http/` | its API dialect: auth, idempotency, wire errors |
| `src/routes/` | one router per resource |
| `src/domain/` | rules and state machines |
| `src/webhooks/in/`, `src/webhooks/out/` | what it receives, what it sends |
| `src/clients/` | calls to other services' APIs |
| `src/pages/` | HTML |
| `src/db/` | schema, `migrationsFolder`, seed |
| `src/test-support.ts` | fixtures for its tests |

## Adding a database

1. Add `@hooklab/db`, `drizzle-orm` and (dev) `drizzle-kit` at the versions the other apps pin; `pnpm install`.
2. Write `src/db/schema.ts` and `src/db/index.ts` (exports `schema` and `migrationsFolder`); copy
   `drizzle.config.ts` from another app; `pnpm exec drizzle-kit generate` writes `drizzle/`, which is committed.
3. In `main.ts`, `openDatabase({ file, schema, migrationsFolder })` before the context; put `db` and `sqlite` in
   `__App__Context`; close the database last in `onShutdown`.

## Tests

`pnpm exec vitest run --project __app__` from the repository root. `src/app.test.ts` runs the kit's
`appBasicsTests` (`@hooklab/service/testing`): `/healthz` answers, the recorder is there in dev mode and refused
(404 problem+json) outside it, and `start()` answers over the network. Add the app's own tests beside them.
