// The console's hop carries the workshop mark that the receiver put on its answer (x-hooklab-exercise).
import { describe, expect, it } from 'vitest';
import { buildHops, createNamer } from '../../apps/console/src/domain/hops.ts';
import { delivery, URLS } from '../../apps/console/src/test-support.ts';

const nameOf = createNamer(URLS);
const pair = () =>
  delivery({
    from: 'payments',
    to: 'shop',
    url: `${URLS.shop}/webhooks/stripe`,
    eventId: 'evt_1',
    eventType: 'payment_intent.succeeded',
    attempt: 1,
    status: 400,
    start: 0,
  });

describe('the exercise mark on a hop', () => {
  it("is the receiver's x-hooklab-exercise answer header", () => {
    const [sent, received] = pair();
    received.responseHeaders = { ...received.responseHeaders, 'x-hooklab-exercise': '03' };
    const [hop] = buildHops([sent, received], nameOf);
    expect(hop).toMatchObject({ exercise: '03', failed: true, to: 'shop' });
  });

  it("is read from the sender's record when only it has the answer's headers", () => {
    const [sent] = pair();
    sent.responseHeaders = { 'x-hooklab-exercise': '04' };
    expect(buildHops([sent], nameOf)[0]?.exercise).toBe('04');
  });

  it('is absent without the header, and ignored when it is not an exercise number', () => {
    const [sent, received] = pair();
    expect(buildHops([sent, received], nameOf)[0]?.exercise).toBeUndefined();
    received.responseHeaders = { 'x-hooklab-exercise': '<script>' };
    expect(buildHops([sent, received], nameOf)[0]?.exercise).toBeUndefined();
  });
});

describe('the exercise note on a delivery attempt', () => {
  it("is the sender's note when the engine's decision ran through the attendee's code (07)", () => {
    const [sent, received] = pair();
    Object.assign(sent, { exercise: '07' });
    expect(buildHops([sent, received], nameOf)[0]?.exercise).toBe('07');
  });
});
