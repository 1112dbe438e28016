#!/usr/bin/env node
// pnpm new:app <name> [--port N] [--dir <apps folder>]: a new app in the one shape (docs/architecture.md),
// made from scripts/app-template/. Files ending in .tpl are copied without it, with the name filled in.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { tsImport } from 'tsx/esm/api';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const templateDir = join(root, 'scripts', 'app-template');
// What a fresh app depends on; versions are taken from the apps already here, so every app pins the same.
const DEPENDENCIES = ['@hooklab/service', 'hono', 'zod'];
const NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const USAGE = `usage: pnpm new:app <name> [--port <port>] [--dir <apps folder>]

  <name>   kebab-case; one of the kit's service map (packages/service/src/services.ts),
           or any name with --port
  --port   the port it listens on by default (required for a name not in the service map)
  --dir    the folder to create it in (default: apps/ of this repository)`;

function fail(message) {
  console.error(`new:app: ${message}`);
  process.exit(1);
}

function parse() {
  try {
    return parseArgs({
      allowPositionals: true,
      options: { port: { type: 'string' }, dir: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (err) {
    fail(`${err.message}\n\n${USAGE}`);
  }
}

/** The version the existing apps pin for `dep` (the most common one), or workspace:* for our packages. */
function pinnedVersion(dep) {
  if (dep.startsWith('@hooklab/')) return 'workspace:*';
  const counts = new Map();
  const appsDir = join(root, 'apps');
  for (const app of readdirSync(appsDir)) {
    const file = join(appsDir, app, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8'));
    const version = pkg.dependencies?.[dep] ?? pkg.devDependencies?.[dep];
    if (version) counts.set(version, (counts.get(version) ?? 0) + 1);
  }
  const [best] = [...counts].sort((a, b) => b[1] - a[1]);
  if (!best) fail(`no app in ${appsDir} depends on ${dep}: cannot tell which version to pin`);
  return best[0];
}

function packageJson(name) {
  return {
    name: `@hooklab/${name}`,
    version: '0.0.0',
    private: true,
    type: 'module',
    exports: { '.': './src/index.ts' },
    scripts: {
      dev: 'HOOKLAB_DEV=1 tsx watch src/server.ts',
      start: 'tsx src/server.ts',
      test: 'vitest run',
      typecheck: 'tsc -p .',
    },
    dependencies: Object.fromEntries(DEPENDENCIES.map((d) => [d, pinnedVersion(d)])),
    devDependencies: {},
  };
}

/** The template's placeholders, for an app in the service map (port from the kit) or outside it (its own). */
function replacements(name, port, inServiceMap) {
  const words = name.split('-');
  const pascal = words.map((w) => w[0].toUpperCase() + w.slice(1)).join('');
  const camel = pascal[0].toLowerCase() + pascal.slice(1);
  const upper = words.join('_').toUpperCase();
  return [
    [
      '__PORT_FIELD__',
      inServiceMap
        ? ''
        : `/** The port it listens on (not in the kit's service map: add it to DEFAULT_PORTS to change that). */\n  PORT: z.coerce.number().int().min(0).max(65_535).default(${port}),\n  `,
    ],
    ['__PORT_IMPORT__', inServiceMap ? '  portOf,\n' : ''],
    ['__PORT_EXPR__', inServiceMap ? `portOf('${name}', env)` : 'config.PORT'],
    [
      '__PORT_ROWS__',
      inServiceMap
        ? `| \`PORT\` or \`${upper}_PORT\` | ${port} | where it listens (the kit's service map) |\n`
        : `| \`PORT\` | ${port} | where it listens |\n`,
    ],
    ['__APP__', upper],
    ['__App__', pascal],
    ['__camel__', camel],
    ['__app__', name],
    ['__port__', String(port)],
  ];
}

function fill(text, pairs) {
  let out = text;
  for (const [token, value] of pairs) out = out.replaceAll(token, value);
  return out;
}

function copyTemplate(from, to, pairs) {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    if (entry.isDirectory()) copyTemplate(source, join(to, entry.name), pairs);
    else if (entry.name.endsWith('.tpl'))
      writeFileSync(join(to, entry.name.slice(0, -4)), fill(readFileSync(source, 'utf8'), pairs));
  }
}

const { values, positionals } = parse();
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (positionals.length !== 1) fail(`give exactly one app name\n\n${USAGE}`);
const name = positionals[0];
if (!NAME.test(name) || name.length > 32)
  fail(`"${name}" is not a valid app name: lower-case letters and digits, words joined by "-", at most 32`);

const { DEFAULT_PORTS } = await tsImport('../packages/service/src/services.ts', import.meta.url);
const inServiceMap = Object.hasOwn(DEFAULT_PORTS, name);
let port = inServiceMap ? DEFAULT_PORTS[name] : undefined;
if (values.port !== undefined) {
  const wanted = Number(values.port);
  if (!/^\d+$/.test(values.port) || wanted < 1 || wanted > 65_535)
    fail(`--port must be a whole number from 1 to 65535, got "${values.port}"`);
  const owner = Object.entries(DEFAULT_PORTS).find(([n, p]) => p === wanted && n !== name)?.[0];
  if (owner) fail(`port ${wanted} is ${owner}'s in the kit's service map; pick another`);
  if (inServiceMap && wanted !== port)
    fail(`${name} is in the kit's service map on port ${port}; change DEFAULT_PORTS rather than --port`);
  port = wanted;
}
if (port === undefined)
  fail(
    `"${name}" is not in the kit's service map (${Object.keys(DEFAULT_PORTS).join(', ')}): ` +
      'give it a --port, or add it to DEFAULT_PORTS in packages/service/src/services.ts',
  );

const taken = ['apps', 'packages'].flatMap((d) => readdirSync(join(root, d)).map((n) => join(root, d, n)));
const clash = [...taken, join(root, 'tests')].find((dir) => {
  const file = join(dir, 'package.json');
  return existsSync(file) && JSON.parse(readFileSync(file, 'utf8')).name === `@hooklab/${name}`;
});
if (clash) fail(`@hooklab/${name} is already taken by ${relative(root, clash)}`);

const appsDir = resolve(values.dir ?? join(root, 'apps'));
const appDir = join(appsDir, name);
if (existsSync(appDir)) fail(`${appDir} already exists; pick another name or remove it first`);

copyTemplate(templateDir, appDir, replacements(name, port, inServiceMap));
writeFileSync(join(appDir, 'package.json'), `${JSON.stringify(packageJson(name), null, 2)}\n`);
// Formatted and imports sorted the way `pnpm check` wants, whatever the name's length and spelling.
const biome = spawnSync(
  join(root, 'node_modules', '.bin', 'biome'),
  ['check', '--write', '--vcs-use-ignore-file=false', `--config-path=${join(root, 'biome.json')}`, appDir],
  { encoding: 'utf8' },
);
if (biome.status !== 0) console.warn(`biome could not tidy ${appDir}:\n${biome.stdout}${biome.stderr}`);

const shown = relative(process.cwd(), appDir) || appDir;
console.log(`created ${shown} (@hooklab/${name}, port ${port})`);
if (!existsSync(join(appsDir, '..', 'tsconfig.base.json')))
  console.log(`note: ${appsDir}/../tsconfig.base.json is missing; its tsconfig.json extends it`);
console.log(`
next, from the repository root:
  pnpm install                             (links @hooklab/${name} into the workspace: nothing runs before it)
  pnpm exec vitest run --project ${name}   (its first test)
  pnpm --filter @hooklab/${name} dev       (runs it on http://localhost:${port})
then fill in ${shown}/README.md: role, calls, webhooks, env, code map.`);
if (!inServiceMap)
  console.log(
    `and add ${name}: ${port} to DEFAULT_PORTS (packages/service/src/services.ts) so other apps find it.`,
  );
