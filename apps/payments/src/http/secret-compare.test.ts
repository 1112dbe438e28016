import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createApp } from '../app.ts';
import { createTestContext } from '../test-support.ts';
import { sameSecret } from './secret-compare.ts';

// The witness: every client_secret check must reach node:crypto's timingSafeEqual with equal-length inputs.
const compared = vi.hoisted(() => [] as [number, number][]);
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  const timingSafeEqual = (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
    compared.push([a.byteLength, b.byteLength]);
    return real.timingSafeEqual(a, b);
  };
  return { ...real, default: { ...real, timingSafeEqual }, timingSafeEqual };
});

function testApp() {
  return createApp(createTestContext());
}

const form = { 'content-type': 'application/x-www-form-urlencoded' };
const secretKey = { authorization: 'Bearer sk_test_hooklab' };

describe('client_secret comparisons are constant-time', () => {
  beforeEach(() => {
    compared.length = 0;
  });

  it('sameSecret: equal, different, shorter, missing', () => {
    expect(sameSecret('pi_1_secret_abc', 'pi_1_secret_abc')).toBe(true);
    expect(sameSecret('pi_1_secret_abd', 'pi_1_secret_abc')).toBe(false);
    expect(sameSecret('pi_1', 'pi_1_secret_abc')).toBe(false);
    expect(sameSecret(undefined, 'pi_1_secret_abc')).toBe(false);
    expect(sameSecret('', '')).toBe(false);
    expect(compared.every(([a, b]) => a === b && a === 32)).toBe(true);
  });

  it('the 3-D Secure page and the publishable-key retrieve compare through timingSafeEqual', async () => {
    const app = testApp();
    const created = await app.request('/v1/payment_intents', {
      method: 'POST',
      headers: { ...secretKey, ...form },
      body: 'amount=2000&currency=eur&confirm=true&payment_method=pm_card_threeDSecureRequired',
    });
    const pi = (await created.json()) as { id: string; client_secret: string };
    compared.length = 0;

    const wrong = `${pi.client_secret.slice(0, -1)}${pi.client_secret.endsWith('x') ? 'y' : 'x'}`;
    expect((await app.request(`/3ds/${pi.id}?client_secret=${wrong}`)).status).toBe(404);
    expect(compared).toHaveLength(1);
    expect((await app.request(`/3ds/${pi.id}?client_secret=short`)).status).toBe(404);
    expect(compared).toHaveLength(2);
    expect((await app.request(`/3ds/${pi.id}?client_secret=${pi.client_secret}`)).status).toBe(200);
    expect(compared).toHaveLength(3);
    const posted = await app.request(`/3ds/${pi.id}`, {
      method: 'POST',
      headers: form,
      body: `client_secret=${wrong}&outcome=approve`,
    });
    expect(posted.status).toBe(404);
    expect(compared).toHaveLength(4);

    const pk = { authorization: 'Bearer pk_test_hooklab' };
    const read = await app.request(`/v1/payment_intents/${pi.id}?client_secret=${wrong}`, { headers: pk });
    expect(read.status).toBe(400);
    expect(compared).toHaveLength(5);
    const ok = await app.request(`/v1/payment_intents/${pi.id}?client_secret=${pi.client_secret}`, {
      headers: pk,
    });
    expect(ok.status).toBe(200);
    expect(compared).toHaveLength(6);
    expect(compared.every(([a, b]) => a === b)).toBe(true);
  });
});
