// X's filtered-stream rule language, the part this stand-in speaks: `#tag` (that exact hashtag), bare
// keywords (a whole word of the text), "quoted phrases", `from:user`, AND (a space), OR, `-` and ( ).

export type RuleNode =
  | { kind: 'hashtag'; tag: string }
  | { kind: 'word'; word: string }
  | { kind: 'phrase'; words: string[] }
  | { kind: 'from'; username: string }
  | { kind: 'not'; node: RuleNode }
  | { kind: 'and'; nodes: RuleNode[] }
  | { kind: 'or'; nodes: RuleNode[] };

/** What a rule is matched against: the post's hashtags and words, lower-cased, and its author. */
export interface PostFeatures {
  hashtags: ReadonlySet<string>;
  words: readonly string[];
  username: string;
}

export type ParseResult = { ok: true; node: RuleNode } | { ok: false; errors: string[] };

/** X's limit for a rule's value on the basic tiers. */
export const MAX_RULE_LENGTH = 512;

const WORD = /^[\p{L}\p{M}\p{N}_]+$/u;
const WORDS = /[\p{L}\p{M}\p{N}_]+/gu;
// X's hashtag: `#` not glued to a word before it, then letters/digits/_ with at least one non-digit.
const HASHTAG = /(?<![\p{L}\p{M}\p{N}_&#＃])[#＃]([\p{L}\p{M}\p{N}_]+)/gu;
const OPERATORS = new Set(['from']);

/** The post's hashtags, lower-cased, in order, without repeats. */
export function hashtagsOf(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(HASHTAG)) {
    const tag = m[1]!;
    if (!/^\p{N}+$/u.test(tag)) out.add(tag.toLowerCase());
  }
  return [...out];
}

/** Everything a rule needs to know about a post. */
export function featuresOf(text: string, username: string): PostFeatures {
  return {
    hashtags: new Set(hashtagsOf(text)),
    words: (text.toLowerCase().match(WORDS) ?? []) as string[],
    username: username.toLowerCase(),
  };
}

type Token =
  | { t: 'open'; neg: boolean; at: number }
  | { t: 'close'; at: number }
  | { t: 'or'; at: number }
  | { t: 'term'; neg: boolean; node: RuleNode; at: number };

function tokenize(value: string, errors: string[]): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < value.length) {
    const ch = value[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const at = i;
    let neg = false;
    if (ch === '-') {
      neg = true;
      i++;
      if (i >= value.length || /[\s)]/.test(value[i]!)) {
        errors.push(`Negation (-) at position ${at + 1} must be followed directly by a term or a group`);
        continue;
      }
    }
    const c = value[i]!;
    if (c === '(') {
      tokens.push({ t: 'open', neg, at });
      i++;
      continue;
    }
    if (c === ')') {
      tokens.push({ t: 'close', at });
      i++;
      continue;
    }
    if (c === '"') {
      const end = value.indexOf('"', i + 1);
      if (end < 0) {
        errors.push(`Unterminated quoted phrase at position ${at + 1}`);
        return tokens;
      }
      const words = (value
        .slice(i + 1, end)
        .toLowerCase()
        .match(WORDS) ?? []) as string[];
      if (words.length === 0) errors.push(`Empty quoted phrase at position ${at + 1}`);
      tokens.push({ t: 'term', neg, node: { kind: 'phrase', words }, at });
      i = end + 1;
      continue;
    }
    let j = i;
    while (j < value.length && !/[\s()"]/.test(value[j]!)) j++;
    const raw = value.slice(i, j);
    i = j;
    if (raw === 'OR' && !neg) {
      tokens.push({ t: 'or', at });
      continue;
    }
    if (raw.startsWith('#') || raw.startsWith('＃')) {
      const tag = raw.slice(1);
      if (!WORD.test(tag) || /^\p{N}+$/u.test(tag)) {
        errors.push(`"${raw}" is not a hashtag: # then letters, digits or _, not only digits`);
        continue;
      }
      tokens.push({ t: 'term', neg, node: { kind: 'hashtag', tag: tag.toLowerCase() }, at });
      continue;
    }
    const colon = raw.indexOf(':');
    if (colon > 0) {
      const op = raw.slice(0, colon).toLowerCase();
      const arg = raw.slice(colon + 1).replace(/^@/, '');
      if (!OPERATORS.has(op)) {
        errors.push(
          `Reference to invalid operator '${op}'. Operator is not available in current product or product packaging`,
        );
        continue;
      }
      if (!WORD.test(arg)) {
        errors.push(`"${raw}": from: needs a username`);
        continue;
      }
      tokens.push({ t: 'term', neg, node: { kind: 'from', username: arg.toLowerCase() }, at });
      continue;
    }
    if (!WORD.test(raw)) {
      errors.push(`"${raw}" is not a keyword (letters, digits or _); quote it to match a phrase`);
      continue;
    }
    tokens.push({ t: 'term', neg, node: { kind: 'word', word: raw.toLowerCase() }, at });
  }
  return tokens;
}

/** Parses a rule: precedence as X has it (AND before OR), every problem listed. */
export function parseRule(value: unknown): ParseResult {
  if (typeof value !== 'string' || value.trim() === '') {
    return { ok: false, errors: ['A rule value must be a non-empty string'] };
  }
  if (value.length > MAX_RULE_LENGTH) {
    return {
      ok: false,
      errors: [`Rule length is ${value.length}; the limit is ${MAX_RULE_LENGTH} characters`],
    };
  }
  const errors: string[] = [];
  const tokens = tokenize(value, errors);
  let pos = 0;

  const parseOr = (depth: number): RuleNode | null => {
    const branches: RuleNode[] = [];
    for (;;) {
      const branch = parseAnd(depth);
      if (!branch) {
        const tok = tokens[pos];
        errors.push(
          tok?.t === 'or' || branches.length > 0
            ? `OR at position ${(tokens[pos - 1]?.at ?? 0) + 1} needs a term on both sides`
            : 'Expected a term',
        );
        return null;
      }
      branches.push(branch);
      if (tokens[pos]?.t !== 'or') break;
      pos++;
    }
    return branches.length === 1 ? branches[0]! : { kind: 'or', nodes: branches };
  };

  const parseAnd = (depth: number): RuleNode | null => {
    const nodes: RuleNode[] = [];
    while (pos < tokens.length) {
      const tok = tokens[pos]!;
      if (tok.t === 'or') break;
      if (tok.t === 'close') {
        if (depth === 0) {
          errors.push(`Unbalanced parentheses: a ")" at position ${tok.at + 1} closes nothing`);
          pos++;
          continue;
        }
        break;
      }
      pos++;
      if (tok.t === 'term') {
        nodes.push(tok.neg ? { kind: 'not', node: tok.node } : tok.node);
        continue;
      }
      const inner = parseOr(depth + 1);
      if (inner) nodes.push(tok.neg ? { kind: 'not', node: inner } : inner);
      if (tokens[pos]?.t !== 'close') {
        errors.push(`Unbalanced parentheses: the "(" at position ${tok.at + 1} is never closed`);
        break;
      }
      pos++;
    }
    if (nodes.length === 0) return null;
    return nodes.length === 1 ? nodes[0]! : { kind: 'and', nodes };
  };

  const node = tokens.length > 0 ? parseOr(0) : null;
  if (tokens.length === 0 && errors.length === 0) errors.push('A rule needs at least one term');
  if (node && !hasPositiveTerm(node)) {
    errors.push('Rules must contain a non-negation term (at least one term that is not negated)');
  }
  if (errors.length > 0 || !node) return { ok: false, errors: [...new Set(errors)] };
  return { ok: true, node };
}

/** X refuses rules that only say what must be absent: every OR branch needs something present. */
function hasPositiveTerm(node: RuleNode): boolean {
  switch (node.kind) {
    case 'not':
      return false;
    case 'and':
      return node.nodes.some(hasPositiveTerm);
    case 'or':
      return node.nodes.every(hasPositiveTerm);
    default:
      return true;
  }
}

function containsPhrase(words: readonly string[], phrase: readonly string[]): boolean {
  outer: for (let i = 0; i + phrase.length <= words.length; i++) {
    for (let k = 0; k < phrase.length; k++) if (words[i + k] !== phrase[k]) continue outer;
    return true;
  }
  return false;
}

/** Does the post satisfy the rule? */
export function matches(node: RuleNode, post: PostFeatures): boolean {
  switch (node.kind) {
    case 'hashtag':
      return post.hashtags.has(node.tag);
    case 'word':
      return post.words.includes(node.word);
    case 'phrase':
      return containsPhrase(post.words, node.words);
    case 'from':
      return post.username === node.username;
    case 'not':
      return !matches(node.node, post);
    case 'and':
      return node.nodes.every((n) => matches(n, post));
    case 'or':
      return node.nodes.some((n) => matches(n, post));
  }
}
