// Keeps the workshop honest: every solution/ passes its guiding checks, and every untouched problem/
// fails, first with the lesson the exercise is about (not a crash, not a TODO of another step).
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXERCISES, modulePath, testExercise } from '../exercises.ts';

describe.each(EXERCISES)('exercise $id $slug', (ex) => {
  it('has a README, a problem/ and a solution/ with the same module', () => {
    expect(existsSync(modulePath(ex, 'problem').replace(/problem\/.*$/, 'README.md'))).toBe(true);
    expect(existsSync(modulePath(ex, 'problem'))).toBe(true);
    expect(existsSync(modulePath(ex, 'solution'))).toBe(true);
  });

  it('solution/ passes every check', async () => {
    const results = await testExercise(ex, 'solution');
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(results.length).toBeGreaterThan(2);
  });

  it('problem/ fails, first with the intended lesson', async () => {
    const results = await testExercise(ex, 'problem');
    const first = results.find((r) => !r.ok);
    expect(first, 'the untouched problem/ passes every check').toBeDefined();
    expect(first?.message).toContain(ex.firstLesson);
  });
});
