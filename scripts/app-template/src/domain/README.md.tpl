`domain/<thing>.ts`: rules, state machines and job step handlers, with no Hono or HTTP import.
