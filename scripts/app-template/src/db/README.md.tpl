`db/`: `schema.ts`, and `index.ts` exporting `schema` and `migrationsFolder` (`new URL('../../drizzle', import.meta.url)`), opened with `openDatabase` from @hooklab/db in `main.ts`; see README.md.
