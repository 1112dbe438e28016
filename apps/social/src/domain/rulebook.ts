import type { SqliteClient } from '@hooklab/db';
import { matches, type PostFeatures, parseRule, type RuleNode } from './rules.ts';

export interface CompiledRule {
  id: string;
  appId: string;
  value: string;
  tag: string | null;
  node: RuleNode;
}

export interface Rulebook {
  /** Every app's rules that the post satisfies, grouped by app. */
  match(post: PostFeatures): Map<string, { id: string; tag: string | null }[]>;
  /** Call after rules change (in the same process). */
  invalidate(): void;
}

/** The stored rules, parsed once and kept until they change: matching runs on every post. */
export function createRulebook(sqlite: SqliteClient): Rulebook {
  const load = sqlite.prepare<[], { id: string; app_id: string; value: string; tag: string | null }>(
    'SELECT id, app_id, value, tag FROM rules ORDER BY created_at, rowid',
  );
  let compiled: CompiledRule[] | null = null;
  const all = (): CompiledRule[] => {
    if (compiled) return compiled;
    compiled = [];
    for (const r of load.all()) {
      const parsed = parseRule(r.value);
      // Stored rules were valid when added; a parser change that refuses one must not stop every post.
      if (parsed.ok)
        compiled.push({ id: r.id, appId: r.app_id, value: r.value, tag: r.tag, node: parsed.node });
    }
    return compiled;
  };
  return {
    match(post) {
      const out = new Map<string, { id: string; tag: string | null }[]>();
      for (const r of all()) {
        if (!matches(r.node, post)) continue;
        const list = out.get(r.appId) ?? [];
        list.push({ id: r.id, tag: r.tag });
        out.set(r.appId, list);
      }
      return out;
    },
    invalidate() {
      compiled = null;
    },
  };
}
