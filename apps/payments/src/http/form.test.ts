import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeForm, FormDecodeError, formatParam, splitKey } from './form.ts';

describe('decodeForm', () => {
  it('reads flat, nested and indexed keys the way the SDK writes them', () => {
    expect(
      decodeForm(
        'amount=2000&currency=eur&metadata[order_id]=o_1&metadata[note]=hi+there&expand[0]=latest_charge',
      ),
    ).toEqual({
      amount: '2000',
      currency: 'eur',
      metadata: { order_id: 'o_1', note: 'hi there' },
      expand: ['latest_charge'],
    });
  });

  it('reads percent-encoded brackets and array pushes', () => {
    expect(decodeForm('enabled_events%5B%5D=a&enabled_events%5B%5D=b')).toEqual({
      enabled_events: ['a', 'b'],
    });
    expect(decodeForm('a[]=x&a[]=y&a[]=z')).toEqual({ a: ['x', 'y', 'z'] });
  });

  it('builds arrays of objects (line items)', () => {
    const body =
      'line_items[0][quantity]=1&line_items[0][price_data][currency]=eur&line_items[0][price_data][unit_amount]=12900&line_items[0][price_data][product_data][name]=Dress&line_items[1][quantity]=2';
    expect(decodeForm(body)).toEqual({
      line_items: [
        {
          quantity: '1',
          price_data: { currency: 'eur', unit_amount: '12900', product_data: { name: 'Dress' } },
        },
        { quantity: '2' },
      ],
    });
  });

  it('compacts sparse indexes in order', () => {
    expect(decodeForm('a[5]=five&a[1]=one')).toEqual({ a: ['one', 'five'] });
  });

  it('keeps `key=` as an empty string (Stripe: unset)', () => {
    expect(decodeForm('metadata=&description=')).toEqual({ metadata: '', description: '' });
  });

  it('takes the last of repeated plain keys', () => {
    expect(decodeForm('a=1&a=2')).toEqual({ a: '2' });
  });

  it.each([
    ['a=1&a[b]=2', 'a'],
    ['a[b]=2&a=1', 'a'],
    ['a[0]=1&a[b]=2', 'a'],
    ['a[b=1', 'a[b'],
    ['a]=1', 'a]'],
    ['[a]=1', '[a]'],
    ['a[__proto__][x]=1', 'a[__proto__]'],
    ['a[1000]=1', 'a[1000]'],
    ['a[b][c][d][e][f][g][h][i][j]=1', 'a[b][c][d][e][f][g][h][i][j]'],
  ])('refuses %s naming %s', (body, param) => {
    try {
      decodeForm(body);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(FormDecodeError);
      expect((err as FormDecodeError).param).toBe(param);
    }
  });

  it('refuses too many parameters', () => {
    expect(() => decodeForm(Array.from({ length: 1001 }, (_, i) => `k${i}=v`).join('&'))).toThrow(
      FormDecodeError,
    );
  });

  it('never throws anything but FormDecodeError on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        try {
          decodeForm(s);
        } catch (err) {
          expect(err).toBeInstanceOf(FormDecodeError);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips what a qs-style encoder writes', () => {
    const key = fc.stringMatching(/^[a-z_]{1,8}$/);
    fc.assert(
      fc.property(
        fc.dictionary(
          key,
          fc.oneof(
            fc.string({ maxLength: 10 }),
            fc.dictionary(key, fc.string({ maxLength: 10 }), { maxKeys: 3 }),
            fc.array(fc.string({ maxLength: 5 }), { minLength: 1, maxLength: 3 }),
          ),
        ),
        (obj) => {
          const pairs: string[] = [];
          for (const [k, v] of Object.entries(obj)) {
            if (typeof v === 'string') pairs.push(`${k}=${encodeURIComponent(v)}`);
            else if (Array.isArray(v))
              v.forEach((x, i) => {
                pairs.push(`${k}[${i}]=${encodeURIComponent(x)}`);
              });
            else
              for (const [k2, v2] of Object.entries(v)) pairs.push(`${k}[${k2}]=${encodeURIComponent(v2)}`);
          }
          const expected = Object.fromEntries(
            Object.entries(obj).filter(([, v]) => typeof v === 'string' || Object.keys(v).length > 0),
          );
          expect(decodeForm(pairs.join('&'))).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('param names', () => {
  it('splits and formats', () => {
    expect(splitKey('a[b][0][]')).toEqual(['a', 'b', '0', '']);
    expect(formatParam(['line_items', 0, 'quantity'])).toBe('line_items[0][quantity]');
  });
});
