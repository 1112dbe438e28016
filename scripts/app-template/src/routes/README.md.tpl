`routes/<resource>.ts`: one thin router per resource (parse → domain → respond), mounted in `app.ts`; a route file never imports another.
