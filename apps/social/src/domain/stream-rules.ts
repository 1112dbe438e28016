import { ApiError } from '@hooklab/service';
import type { SocialContext } from '../context.ts';
import { numericId } from './ids.ts';
import { parseRule } from './rules.ts';

export interface RuleView {
  id: string;
  value: string;
  tag?: string;
}

const INVALID_RULES = 'https://api.x.com/2/problems/invalid-rules';
const DUPLICATE_RULES = 'https://api.x.com/2/problems/duplicate-rules';
const MAX_TAG = 128;
const MAX_BATCH = 100;

const view = (r: { id: string; value: string; tag: string | null }): RuleView =>
  r.tag === null ? { id: r.id, value: r.value } : { id: r.id, value: r.value, tag: r.tag };

export function listRules(ctx: SocialContext, appId: string): RuleView[] {
  return ctx.sqlite
    .prepare<[string], { id: string; value: string; tag: string | null }>(
      'SELECT id, value, tag FROM rules WHERE app_id = ? ORDER BY created_at, rowid',
    )
    .all(appId)
    .map(view);
}

/**
 * Adds rules all-or-nothing, as X does: one invalid or duplicate rule and none is created; the answer
 * lists every problem, rule by rule. `dryRun` validates only.
 */
export function addRules(ctx: SocialContext, appId: string, add: unknown, dryRun: boolean) {
  if (!Array.isArray(add) || add.length === 0 || add.length > MAX_BATCH) {
    throw new ApiError({
      status: 400,
      code: 'invalid_request',
      message: `add must be an array of 1 to ${MAX_BATCH} rules, each {value, tag?}`,
      param: 'add',
    });
  }
  const existing = new Map(listRules(ctx, appId).map((r) => [r.value, r.id]));
  const errors: Record<string, unknown>[] = [];
  const accepted: { value: string; tag: string | null }[] = [];
  const seen = new Set<string>();
  for (const item of add) {
    const value = (item as { value?: unknown } | null)?.value;
    const tag = (item as { tag?: unknown } | null)?.tag;
    const details: string[] = [];
    if (item === null || typeof item !== 'object' || Array.isArray(item))
      details.push('Each rule must be an object {value, tag?}');
    else {
      const parsed = parseRule(value);
      if (!parsed.ok) details.push(...parsed.errors);
      if (tag !== undefined && (typeof tag !== 'string' || tag.length > MAX_TAG))
        details.push(`tag must be a string of at most ${MAX_TAG} characters`);
    }
    if (details.length > 0) {
      errors.push({
        value: typeof value === 'string' ? value : null,
        details,
        title: 'UnprocessableEntity',
        type: INVALID_RULES,
      });
      continue;
    }
    const v = value as string;
    const dupId = existing.get(v);
    if (dupId || seen.has(v)) {
      errors.push({
        value: v,
        ...(dupId ? { id: dupId } : {}),
        title: 'DuplicateRule',
        type: DUPLICATE_RULES,
      });
      continue;
    }
    seen.add(v);
    accepted.push({ value: v, tag: typeof tag === 'string' ? tag : null });
  }
  const sent = new Date(ctx.clock.now()).toISOString();
  const invalid = errors.length;
  if (invalid === 0 && existing.size + accepted.length > ctx.config.SOCIAL_MAX_RULES_PER_APP) {
    throw new ApiError({
      status: 429,
      code: 'limit_exceeded',
      message: `Rule limit exceeded: an app may have ${ctx.config.SOCIAL_MAX_RULES_PER_APP} rules (it has ${existing.size})`,
    });
  }
  if (invalid > 0) {
    throw new ApiError({
      status: 400,
      code: 'invalid_rules',
      message: `${invalid} of ${add.length} rules could not be created; none were (rules are added all or nothing)`,
      extra: {
        errors,
        meta: {
          sent,
          summary: { created: 0, not_created: add.length, valid: add.length - invalid, invalid },
        },
      },
    });
  }
  const now = ctx.clock.now();
  const created = accepted.map((r) => ({ id: numericId(), ...r }));
  if (!dryRun) {
    const insert = ctx.sqlite.prepare(
      'INSERT INTO rules (id, app_id, value, tag, created_at) VALUES (?, ?, ?, ?, ?)',
    );
    ctx.sqlite.transaction(() => {
      for (const r of created) insert.run(r.id, appId, r.value, r.tag, now);
    })();
    ctx.rules.invalidate();
  }
  return {
    data: created.map(view),
    meta: {
      sent,
      summary: {
        created: dryRun ? 0 : created.length,
        not_created: dryRun ? created.length : 0,
        valid: created.length,
        invalid: 0,
      },
    },
  };
}

/** Deletes the app's rules by id; ids it does not have are reported, as X does, and the rest deleted. */
export function deleteRules(ctx: SocialContext, appId: string, del: unknown) {
  const ids = (del as { ids?: unknown } | null)?.ids;
  if (
    del === null ||
    typeof del !== 'object' ||
    !Array.isArray(ids) ||
    ids.length === 0 ||
    ids.length > MAX_BATCH ||
    !ids.every((id) => typeof id === 'string' && /^\d{1,19}$/.test(id))
  ) {
    throw new ApiError({
      status: 400,
      code: 'invalid_request',
      message: `delete must be {ids: [...]}: 1 to ${MAX_BATCH} rule ids (numeric strings)`,
      param: 'delete',
    });
  }
  const remove = ctx.sqlite.prepare('DELETE FROM rules WHERE app_id = ? AND id = ?');
  const missing: string[] = [];
  ctx.sqlite.transaction(() => {
    for (const id of new Set(ids as string[])) if (remove.run(appId, id).changes === 0) missing.push(id);
  })();
  ctx.rules.invalidate();
  const deleted = new Set(ids).size - missing.length;
  return {
    meta: {
      sent: new Date(ctx.clock.now()).toISOString(),
      summary: { deleted, not_deleted: missing.length },
    },
    ...(missing.length > 0
      ? {
          errors: missing.map((id) => ({
            value: id,
            details: ['Rule does not exist'],
            title: 'Invalid Request',
            type: 'https://api.x.com/2/problems/invalid-request',
          })),
        }
      : {}),
  };
}
