import { describe, expect, it } from 'vitest';
import { featuresOf, hashtagsOf, matches, parseRule } from './rules.ts';

const test = (rule: string, text: string, username = 'ada') => {
  const parsed = parseRule(rule);
  if (!parsed.ok) throw new Error(`${rule}: ${parsed.errors.join('; ')}`);
  return matches(parsed.node, featuresOf(text, username));
};

describe('hashtagsOf', () => {
  it('finds hashtags as X does: lower-cased, not glued to a word, not only digits, no repeats', () => {
    expect(hashtagsOf('New #Dresses in! #dresses #summer_2026 a#b #123 &#39; (#linen)')).toEqual([
      'dresses',
      'summer_2026',
      'linen',
    ]);
  });
});

describe('parseRule + matches', () => {
  it('#tag matches that exact hashtag, case-insensitively, and not a longer one or the bare word', () => {
    expect(test('#dresses', 'Look: #DRESSES')).toBe(true);
    expect(test('#dress', 'Look: #dresses')).toBe(false);
    expect(test('#dresses', 'I like dresses')).toBe(false);
  });

  it('a bare word matches a whole word of the text, hashtags included', () => {
    expect(test('linen', 'A Linen dress')).toBe(true);
    expect(test('linen', 'linens')).toBe(false);
    expect(test('linen', '#linen')).toBe(true);
  });

  it('a space is AND, OR is OR, AND binds tighter, parentheses group', () => {
    expect(test('#dresses linen', '#dresses in silk')).toBe(false);
    expect(test('#dresses linen', '#dresses in linen')).toBe(true);
    expect(test('#dresses OR #skirts', 'new #skirts')).toBe(true);
    expect(test('silk OR #dresses linen', 'silk')).toBe(true);
    expect(test('silk OR #dresses linen', '#dresses')).toBe(false);
    expect(test('(silk OR linen) #dresses', 'linen #dresses')).toBe(true);
    expect(test('(silk OR linen) #dresses', 'linen')).toBe(false);
  });

  it('- negates a term or a group', () => {
    expect(test('#dresses -sale', '#dresses on sale')).toBe(false);
    expect(test('#dresses -sale', '#dresses new in')).toBe(true);
    expect(test('#dresses -(sale OR clearance)', '#dresses clearance')).toBe(false);
    expect(test('#dresses -#ad', '#dresses #ad')).toBe(false);
  });

  it('quoted phrases and from:', () => {
    expect(test('"linen dress"', 'a Linen Dress today')).toBe(true);
    expect(test('"linen dress"', 'a dress in linen')).toBe(false);
    expect(test('from:atelier #dresses', '#dresses', 'Atelier')).toBe(true);
    expect(test('from:atelier #dresses', '#dresses', 'ada')).toBe(false);
  });

  it.each([
    ['', 'non-empty'],
    ['   ', 'non-empty'],
    ['-#dresses', 'non-negation'],
    ['#dresses OR -sale', 'non-negation'],
    ['(#dresses', 'never closed'],
    ['#dresses)', 'closes nothing'],
    ['#dresses OR', 'both sides'],
    ['OR #dresses', 'both sides'],
    ['#', 'not a hashtag'],
    ['#123', 'not a hashtag'],
    ['- dresses', 'Negation'],
    ['lang:en', "invalid operator 'lang'"],
    ['"linen', 'Unterminated'],
    ['e-mail', 'not a keyword'],
    ['x'.repeat(513), 'limit is 512'],
  ])('refuses %j with a reason (%s)', (rule, reason) => {
    const parsed = parseRule(rule);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.errors.join(' | ')).toContain(reason);
  });

  it('refuses a value that is not a string', () => {
    expect(parseRule(42)).toEqual({ ok: false, errors: ['A rule value must be a non-empty string'] });
  });
});
