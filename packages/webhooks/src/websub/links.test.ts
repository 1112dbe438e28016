import { describe, expect, it } from 'vitest';
import { linksFromMarkup, parseLinkHeader } from './links.ts';

describe('parseLinkHeader', () => {
  it('reads several links, quoted or bare rels, relative targets and commas inside URLs', () => {
    const links = parseLinkHeader(
      [
        '<https://hub.example/>; rel="hub", </feeds/a,b.json>; rel=self; type="application/json"',
        '<x>; rel="alternate other"',
      ],
      'https://pub.example/page',
    );
    expect(links).toEqual([
      { href: 'https://hub.example/', rels: ['hub'] },
      { href: 'https://pub.example/feeds/a,b.json', rels: ['self'], type: 'application/json' },
      { href: 'https://pub.example/x', rels: ['alternate', 'other'] },
    ]);
  });

  it('skips entries without a target or a rel', () => {
    expect(parseLinkHeader('garbage, <https://a.example/>; title="t"', 'https://b.example/')).toEqual([]);
    expect(parseLinkHeader(null, 'https://b.example/')).toEqual([]);
  });
});

describe('linksFromMarkup', () => {
  it('reads <link> in HTML and atom:link in feeds, in document order, ignoring comments', () => {
    const html = `<html><head><!-- <link rel="hub" href="https://old.example/"> -->
      <link href='/hub' rel="hub"><LINK rel="self" href="https://pub.example/t?a=1&amp;b=2" /></head></html>`;
    expect(linksFromMarkup(html, 'https://pub.example/p')).toEqual([
      { href: 'https://pub.example/hub', rels: ['hub'] },
      { href: 'https://pub.example/t?a=1&b=2', rels: ['self'] },
    ]);
    const rss = '<rss><channel><atom:link rel="hub" href="https://hub.example/"/></channel></rss>';
    expect(linksFromMarkup(rss, 'https://pub.example/')).toEqual([
      { href: 'https://hub.example/', rels: ['hub'] },
    ]);
  });
});
