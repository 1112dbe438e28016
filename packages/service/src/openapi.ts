import type { Hono } from 'hono';
import { inspectRoutes } from 'hono/dev';
import { z } from 'zod';
import { renderDocsPage } from './openapi-page.tsx';

// biome-ignore lint/suspicious/noExplicitAny: any Hono app, whatever its env, schema and base path
type AnyHono = Hono<any, any, any>;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';

/** A JSON Schema (2020-12) as OpenAPI 3.1 embeds it. */
export type JsonSchema = Record<string, unknown>;

export interface ResponseDoc {
  description: string;
  schema?: z.ZodType;
  /** `application/json` by default when there is a schema. */
  contentType?: string;
}

/** One route of an app, described with the zod schemas its handler validates with. */
export interface RouteDoc {
  method: HttpMethod;
  /** Hono style: `/v1/things/:id`; documented as `/v1/things/{id}`. */
  path: string;
  summary: string;
  description?: string;
  tags?: string[];
  /** Security requirements, e.g. `[{ bearerAuth: [] }]`; `[]` says the route needs none. */
  security?: Record<string, string[]>[];
  /** An object schema: each property is one query parameter. */
  query?: z.ZodType;
  /** An object schema: each property is one path parameter. */
  params?: z.ZodType;
  /** An object schema: each property is one request header (a webhook's signature headers). */
  headers?: z.ZodType;
  body?: {
    schema: z.ZodType;
    contentType?: 'application/json' | 'application/x-www-form-urlencoded';
    description?: string;
  };
  responses: Record<number, ResponseDoc>;
}

export interface ApiDocsOptions {
  title: string;
  version: string;
  description?: string;
  /** OpenAPI security schemes (`components.securitySchemes`), e.g. `{ bearerAuth: { type: 'http', scheme: 'bearer' } }`. */
  securitySchemes?: Record<string, Record<string, unknown>>;
}

export interface ParameterObject {
  name: string;
  in: 'query' | 'path' | 'header';
  required: boolean;
  description?: string;
  schema: JsonSchema;
}

export interface OperationObject {
  operationId: string;
  summary: string;
  description?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  parameters?: ParameterObject[];
  requestBody?: { required: boolean; description?: string; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: JsonSchema }> }>;
}

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description?: string };
  tags?: { name: string }[];
  paths: Record<string, Partial<Record<Lowercase<HttpMethod>, OperationObject>>>;
  components: {
    schemas: Record<string, JsonSchema>;
    securitySchemes?: Record<string, Record<string, unknown>>;
  };
}

export interface ApiDocs {
  add(...routes: RouteDoc[]): ApiDocs;
  document(): OpenApiDocument;
  /** Serves `GET /openapi.json` (the document) and `GET /docs` (a self-contained HTML page of it). */
  mount(app: AnyHono): void;
}

/** `/v1/things/:id` (also `:id?`, `:id{[0-9]+}`) → `/v1/things/{id}`. */
export function openApiPath(honoPath: string): string {
  return honoPath.replace(/:([A-Za-z0-9_]+)(\{[^/]*\})?\??/g, '{$1}');
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** zod 4's own JSON Schema (2020-12) conversion, minus the noise a reader does not need. */
function toSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const out = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    cycles: 'ref',
    override: (ctx) => {
      const def = (ctx.zodSchema as { _zod: { def: { type: string } } })._zod.def;
      if (def.type === 'date') Object.assign(ctx.jsonSchema, { type: 'string', format: 'date-time' });
      // z.int() bounds are the safe-integer range: true, but not worth a line on every field.
      if (ctx.jsonSchema.minimum === -MAX_SAFE) delete ctx.jsonSchema.minimum;
      if (ctx.jsonSchema.maximum === MAX_SAFE) delete ctx.jsonSchema.maximum;
    },
  }) as JsonSchema;
  delete out.$schema;
  return out;
}

/** Moves `$defs` (schemas with a `.meta({ id })`) into components and points their `$ref`s there. */
function hoist(schema: JsonSchema, components: Record<string, JsonSchema>): JsonSchema {
  const { $defs, ...rest } = schema as JsonSchema & { $defs?: Record<string, JsonSchema> };
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (value && typeof value === 'object') {
      const o: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value))
        o[k] =
          k === '$ref' && typeof v === 'string' ? v.replace('#/$defs/', '#/components/schemas/') : rewrite(v);
      return o;
    }
    return value;
  };
  for (const [name, def] of Object.entries($defs ?? {})) components[name] = rewrite(def) as JsonSchema;
  return rewrite(rest) as JsonSchema;
}

function parametersOf(
  schema: z.ZodType,
  where: ParameterObject['in'],
  components: Record<string, JsonSchema>,
): ParameterObject[] {
  let json = toSchema(schema, 'input');
  const defs = (json.$defs ?? {}) as Record<string, JsonSchema>;
  // A root with a `.meta({ id })` comes back as a $ref to itself: its properties are what we list.
  const root = typeof json.$ref === 'string' ? defs[json.$ref.replace('#/$defs/', '')] : undefined;
  if (root) json = { ...root, $defs: defs };
  const props = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(props).map(([name, prop]) => {
    const { description, ...rest } = hoist({ ...prop, $defs: json.$defs }, components);
    return {
      name,
      in: where,
      required: where === 'path' || required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: rest,
    };
  });
}

const operationId = (method: string, path: string) =>
  [method.toLowerCase(), ...path.split('/').filter(Boolean)]
    .join('_')
    .replace(/[{}:]/g, '')
    .replace(/[^A-Za-z0-9_]+/g, '_');

export function createApiDocs(options: ApiDocsOptions): ApiDocs {
  const routes = new Map<string, RouteDoc>();
  let cached: OpenApiDocument | undefined;

  const build = (): OpenApiDocument => {
    const schemas: Record<string, JsonSchema> = {};
    const paths: OpenApiDocument['paths'] = {};
    const tags = new Set<string>();
    for (const r of routes.values()) {
      const path = openApiPath(r.path);
      const parameters = [
        ...(r.params ? parametersOf(r.params, 'path', schemas) : []),
        ...(r.query ? parametersOf(r.query, 'query', schemas) : []),
        ...(r.headers ? parametersOf(r.headers, 'header', schemas) : []),
      ];
      const op: OperationObject = {
        operationId: operationId(r.method, path),
        summary: r.summary,
        ...(r.description ? { description: r.description } : {}),
        ...(r.tags?.length ? { tags: r.tags } : {}),
        ...(r.security ? { security: r.security } : {}),
        ...(parameters.length ? { parameters } : {}),
        responses: {},
      };
      for (const t of r.tags ?? []) tags.add(t);
      if (r.body) {
        op.requestBody = {
          required: true,
          ...(r.body.description ? { description: r.body.description } : {}),
          content: {
            [r.body.contentType ?? 'application/json']: {
              schema: hoist(toSchema(r.body.schema, 'input'), schemas),
            },
          },
        };
      }
      for (const [status, res] of Object.entries(r.responses)) {
        op.responses[status] = {
          description: res.description,
          ...(res.schema
            ? {
                content: {
                  [res.contentType ?? 'application/json']: {
                    schema: hoist(toSchema(res.schema, 'output'), schemas),
                  },
                },
              }
            : res.contentType
              ? { content: { [res.contentType]: { schema: {} } } }
              : {}),
        };
      }
      paths[path] ??= {};
      paths[path][r.method.toLowerCase() as Lowercase<HttpMethod>] = op;
    }
    return {
      openapi: '3.1.0',
      info: {
        title: options.title,
        version: options.version,
        ...(options.description ? { description: options.description } : {}),
      },
      ...(tags.size ? { tags: [...tags].map((name) => ({ name })) } : {}),
      paths,
      components: {
        schemas,
        ...(options.securitySchemes ? { securitySchemes: options.securitySchemes } : {}),
      },
    };
  };

  const docs: ApiDocs = {
    add(...more) {
      for (const r of more) {
        // `/things/{id}` and `/things/{thing}` are the same path to OpenAPI.
        const key = `${r.method} ${openApiPath(r.path).replace(/\{[^}]*\}/g, '{}')}`;
        if (routes.has(key)) throw new Error(`${r.method} ${openApiPath(r.path)} is documented twice`);
        routes.set(key, r);
      }
      cached = undefined;
      return docs;
    },
    document() {
      cached ??= build();
      return cached;
    },
    mount(app) {
      app.get('/openapi.json', (c) => c.json(docs.document()));
      app.get('/docs', (c) => c.html(renderDocsPage(docs.document())));
    },
  };
  return docs;
}

/** The kit's own routes, documented by the kit's README rather than by each app. */
export const KIT_ROUTE_PREFIXES = ['/_hooklab/'];
const KIT_ROUTES = new Set(['/healthz', '/openapi.json', '/docs']);

/**
 * `METHOD path` of every route of `app` (middleware aside) that `docs` does not document. The kit's
 * routes are ignored; `ignore` skips the app's pages.
 */
export function undocumentedRoutes(
  app: AnyHono,
  docs: ApiDocs,
  opts: { ignore?: (method: string, path: string) => boolean } = {},
): string[] {
  const paths = docs.document().paths;
  const missing = new Set<string>();
  for (const r of inspectRoutes(app)) {
    if (r.isMiddleware) continue;
    if (KIT_ROUTES.has(r.path) || KIT_ROUTE_PREFIXES.some((p) => r.path.startsWith(p))) continue;
    if (opts.ignore?.(r.method, r.path)) continue;
    const ops = paths[openApiPath(r.path)] as Record<string, unknown> | undefined;
    const documented =
      r.method === 'ALL' ? ops && Object.keys(ops).length > 0 : ops?.[r.method.toLowerCase()] !== undefined;
    if (!documented) missing.add(`${r.method} ${r.path}`);
  }
  return [...missing];
}

/**
 * What is wrong with a document's shape as OpenAPI 3.1: version, info, operations with responses, path
 * templates matching path parameters, unique operation ids, `$ref`s that resolve. Empty when none.
 */
export function openApiProblems(doc: OpenApiDocument): string[] {
  const problems: string[] = [];
  if (doc.openapi !== '3.1.0') problems.push(`openapi is ${String(doc.openapi)}, not 3.1.0`);
  if (!doc.info?.title || !doc.info?.version) problems.push('info needs a title and a version');
  const ids = new Set<string>();
  const refs: string[] = [];
  const collectRefs = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(collectRefs);
    else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v))
        k === '$ref' && typeof x === 'string' ? refs.push(x) : collectRefs(x);
  };
  collectRefs(doc);
  for (const ref of refs) {
    const name = ref.startsWith('#/components/schemas/')
      ? ref.slice('#/components/schemas/'.length)
      : undefined;
    if (!name || !doc.components?.schemas?.[name]) problems.push(`$ref ${ref} does not resolve`);
  }
  const schemes = Object.keys(doc.components?.securitySchemes ?? {});
  for (const [path, ops] of Object.entries(doc.paths ?? {})) {
    if (!path.startsWith('/')) problems.push(`path ${path} does not start with /`);
    if (path.includes(':')) problems.push(`path ${path} is hono style, not an OpenAPI template`);
    const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!).sort();
    for (const [method, op] of Object.entries(ops) as [string, OperationObject][]) {
      const where = `${method.toUpperCase()} ${path}`;
      if (!op.responses || Object.keys(op.responses).length === 0) problems.push(`${where} has no responses`);
      for (const [status, res] of Object.entries(op.responses ?? {})) {
        if (!/^[1-5]\d\d$/.test(status)) problems.push(`${where}: ${status} is not a status code`);
        if (!res.description) problems.push(`${where} ${status} has no description`);
      }
      if (!op.operationId || ids.has(op.operationId))
        problems.push(`${where}: operationId missing or reused`);
      ids.add(op.operationId);
      const declared = (op.parameters ?? [])
        .filter((p) => p.in === 'path')
        .map((p) => p.name)
        .sort();
      if (declared.join() !== templated.join())
        problems.push(`${where}: path parameters [${declared}] do not match the template [${templated}]`);
      for (const req of op.security ?? [])
        for (const s of Object.keys(req))
          if (!schemes.includes(s)) problems.push(`${where}: security scheme ${s} is not declared`);
    }
  }
  return problems;
}
