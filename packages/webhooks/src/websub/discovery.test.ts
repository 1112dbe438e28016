import { describe, expect, it } from 'vitest';
import { discover } from './discovery.ts';
import { WebSubError } from './errors.ts';

const serve = (res: () => Response) => async (): Promise<Response> => res();

describe('discover', () => {
  it('takes the hub and self from Link headers before the document', async () => {
    const found = await discover('https://pub.example/page', {
      fetch: serve(
        () =>
          new Response('<link rel="hub" href="https://other-hub.example/">', {
            headers: {
              'content-type': 'text/html',
              link: '<https://hub.example/>; rel="hub", <https://pub.example/topic.json>; rel="self"',
            },
          }),
      ),
    });
    expect(found).toEqual({
      topic: 'https://pub.example/topic.json',
      hubs: ['https://hub.example/'],
      source: 'link-header',
      selfAdvertised: true,
    });
  });

  it('falls back to the HTML <link> elements', async () => {
    const found = await discover('https://pub.example/page', {
      fetch: serve(
        () =>
          new Response(
            '<head><link rel="hub" href="https://hub.example/"><link rel="self" href="/t"></head>',
            {
              headers: { 'content-type': 'text/html; charset=utf-8' },
            },
          ),
      ),
    });
    expect(found).toMatchObject({
      topic: 'https://pub.example/t',
      hubs: ['https://hub.example/'],
      source: 'document',
    });
  });

  it('uses the fetched URL when no rel=self is advertised, and says so', async () => {
    const found = await discover('https://pub.example/t', {
      fetch: serve(() => new Response('{}', { headers: { link: '<https://hub.example/>; rel="hub"' } })),
    });
    expect(found).toMatchObject({ topic: 'https://pub.example/t', selfAdvertised: false });
  });

  it('fails with no_hub when nothing is advertised, and topic_unreachable on an error status', async () => {
    await expect(
      discover('https://pub.example/t', { fetch: serve(() => new Response('{}')) }),
    ).rejects.toMatchObject({ code: 'no_hub' });
    const err = await discover('https://pub.example/t', {
      fetch: serve(() => new Response('nope', { status: 404 })),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WebSubError);
    expect(err).toMatchObject({ code: 'topic_unreachable', status: 404 });
  });
});
