// `pnpm new:app`: generates an app into a throw-away copy of the repository's layout, then type-checks it and
// runs its own test there. Its dependencies are linked by hand, as `pnpm install` would link them.
import { execFile } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_PORTS, SERVICE_NAMES } from '@hooklab/service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const bin = (name: string) => join(root, 'node_modules', '.bin', name);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end; a child vitest must not think it runs inside this one. */
function run(cmd: string, args: string[], cwd = root): Promise<Run> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== 'NODE_OPTIONS'),
  );
  return new Promise((done) => {
    execFile(cmd, args, { cwd, env: { ...env, NO_COLOR: '1' } }, (err, stdout, stderr) => {
      done({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr });
    });
  });
}

const newApp = (...args: string[]) => run(process.execPath, [join(root, 'scripts', 'new-app.mjs'), ...args]);

/** Where `pnpm install` would link `dep` from: our workspace package, or the copy the other apps use. */
function resolveDependency(dep: string): string {
  for (const dir of ['packages', 'apps'].flatMap((d) =>
    readdirSync(join(root, d)).map((n) => join(root, d, n)),
  )) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === dep) return dir;
    const installed = join(dir, 'node_modules', dep);
    if (existsSync(installed)) return realpathSync(installed);
  }
  throw new Error(`no workspace package or installed copy of ${dep}`);
}

function linkDependencies(appDir: string) {
  const pkg = JSON.parse(readFileSync(join(appDir, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  for (const dep of Object.keys(pkg.dependencies)) {
    const at = join(appDir, 'node_modules', dep);
    mkdirSync(dirname(at), { recursive: true });
    symlinkSync(resolveDependency(dep), at, 'dir');
  }
}

/** Every file and folder under `dir`, relative, sorted (node_modules left out). */
function tree(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.name !== 'node_modules')
    .flatMap((e) => {
      const path = `${prefix}${e.name}`;
      return e.isDirectory() ? [`${path}/`, ...tree(join(dir, e.name), `${path}/`)] : [path];
    })
    .sort();
}

// A name of the kit's service map that has no app yet, so the test keeps working as apps get built.
const mapped = SERVICE_NAMES.find((n) => !existsSync(join(root, 'apps', n)));
const OFF_MAP = 'order-bot';
let copy: string;
let made: Run;
let checked: { tsc: Run; vitest: Run };

beforeAll(async () => {
  copy = mkdtempSync(join(tmpdir(), 'hooklab-new-app-'));
  cpSync(join(root, 'tsconfig.base.json'), join(copy, 'tsconfig.base.json'));
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'), 'dir');
  if (mapped) {
    made = await newApp(mapped, '--dir', join(copy, 'apps'));
    if (made.code === 0) linkDependencies(join(copy, 'apps', mapped));
  }
  const offMap = await newApp(OFF_MAP, '--port', '3190', '--dir', join(copy, 'apps'));
  if (offMap.code !== 0) throw new Error(offMap.stderr);
  linkDependencies(join(copy, 'apps', OFF_MAP));
  // One tsc and one vitest over both apps (each with its own tsconfig and vitest project): two CPU cores.
  writeFileSync(
    join(copy, 'tsconfig.json'),
    JSON.stringify({ extends: './tsconfig.base.json', include: ['apps/*/src', 'apps/*/*.ts'] }),
  );
  writeFileSync(
    join(copy, 'vitest.config.ts'),
    "import { defineConfig } from 'vitest/config';\nexport default defineConfig({ test: { projects: ['apps/*/vitest.config.ts'] } });\n",
  );
  checked = { tsc: await run(bin('tsc'), ['-p', copy]), vitest: await run(bin('vitest'), ['run'], copy) };
}, 240_000);
afterAll(() => {
  if (copy) rmSync(copy, { recursive: true, force: true });
});

// Once every name of the service map has its app (all ten do now), there is none left to generate: the
// block below is skipped, and this one checks the refusal instead.
describe.skipIf(mapped)('pnpm new:app for a name of the service map whose app exists', () => {
  it('refuses it, naming the app that has it, and writes nothing', async () => {
    const name = SERVICE_NAMES.filter((n) => n !== 'console').at(-1)!;
    const r = await newApp(name, '--dir', join(copy, 'apps'));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`@hooklab/${name} is already taken by apps/${name}`);
    expect(existsSync(join(copy, 'apps', name))).toBe(false);
  });
});

describe.runIf(mapped)(
  'pnpm new:app for a name of the service map (none left: every name has its app)',
  () => {
    const name = mapped!;
    const dir = () => join(copy, 'apps', name);

    it('lays the app out in the one shape, on its port, and says to run pnpm install next', () => {
      expect(made.code, made.stderr).toBe(0);
      expect(made.stdout).toContain('pnpm install');
      expect(tree(dir())).toEqual(
        [
          'README.md',
          'package.json',
          'tsconfig.json',
          'vitest.config.ts',
          'src/',
          'src/app.test.ts',
          'src/app.ts',
          'src/config.ts',
          'src/context.ts',
          'src/index.ts',
          'src/main.ts',
          'src/server.ts',
          'src/test-support.ts',
          // The rooms, each empty but for a line saying what goes in it.
          ...['clients', 'db', 'domain', 'http', 'pages', 'routes', 'webhooks/in', 'webhooks/out'].flatMap(
            (room) => [`src/${room}/`, `src/${room}/README.md`],
          ),
          'src/webhooks/',
        ].sort(),
      );
      const readme = readFileSync(join(dir(), 'README.md'), 'utf8');
      expect(readme).toContain(`(port ${DEFAULT_PORTS[name]})`);
      for (const section of ['## Calls', '## Webhooks', '## Environment', '## Code map'])
        expect(readme).toContain(section);
      expect(readFileSync(join(dir(), 'src', 'main.ts'), 'utf8')).toContain(`portOf('${name}', env)`);
    });

    it('pins the versions the other apps pin and has the scripts every app has', () => {
      const pkg = JSON.parse(readFileSync(join(dir(), 'package.json'), 'utf8'));
      const shop = JSON.parse(readFileSync(join(root, 'apps', 'shop', 'package.json'), 'utf8'));
      expect(pkg.name).toBe(`@hooklab/${name}`);
      expect(pkg.scripts).toEqual(shop.scripts);
      for (const [dep, version] of Object.entries(pkg.dependencies))
        expect(version).toBe(shop.dependencies[dep]);
    });

    it('type-checks and passes its own test', () => {
      expect(checked.tsc.code, checked.tsc.stdout).toBe(0);
      expect(checked.vitest.code, checked.vitest.stdout + checked.vitest.stderr).toBe(0);
      expect(checked.vitest.stdout).toMatch(new RegExp(`${name}\\W+src/app\\.test\\.ts \\(3 tests\\)`));
    });

    it('refuses the folder once it exists, and leaves it as it was', async () => {
      const before = readFileSync(join(dir(), 'src', 'app.ts'), 'utf8');
      const again = await newApp(name, '--dir', join(copy, 'apps'));
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('already exists');
      expect(readFileSync(join(dir(), 'src', 'app.ts'), 'utf8')).toBe(before);
    });
  },
);

describe('pnpm new:app for a name outside the service map', () => {
  it('takes its port from --port, type-checks and passes its own test', () => {
    const dir = join(copy, 'apps', OFF_MAP);
    expect(readFileSync(join(dir, 'src', 'config.ts'), 'utf8')).toContain('.default(3190)');
    expect(readFileSync(join(dir, 'src', 'context.ts'), 'utf8')).toContain(
      'export interface OrderBotContext',
    );
    expect(checked.tsc.code, checked.tsc.stdout).toBe(0);
    expect(checked.vitest.code, checked.vitest.stdout + checked.vitest.stderr).toBe(0);
    expect(checked.vitest.stdout).toMatch(new RegExp(`${OFF_MAP}\\W+src/app\\.test\\.ts \\(3 tests\\)`));
  });

  it.each([
    [['Bad_Name', '--port', '3191'], 'not a valid app name'],
    [['unmapped'], "not in the kit's service map"],
    [['unmapped', '--port', String(DEFAULT_PORTS.shop)], 'is shop'],
    [['unmapped', '--port', 'x1'], '--port must be a whole number'],
    [['shop'], 'already taken by apps/shop'],
    [['service', '--port', '3192'], 'already taken by packages/service'],
  ])('refuses %j', async (args, message) => {
    const res = await newApp(...args, '--dir', join(copy, 'apps'));
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(message);
    expect(existsSync(join(copy, 'apps', args[0]!))).toBe(false);
  });
});
