`pages/`: HTML with hono/jsx (layout, pages, styles, the error page passed to `createServiceApp` as `renderErrorPage`).
