`clients/<service>.ts`: calls to another service's API, through `ctx.fetch` (traced and recorded); delete this room if __app__ calls none.
