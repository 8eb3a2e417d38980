import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { contentDecoder, followRedirects, type OutgoingRequest } from './fetch-rules.js';

type Hop = { url: string; request: OutgoingRequest };

/** Follows redirects through a table of answers (url → [status, Location]), recording each hop. */
async function hops(start: string, request: OutgoingRequest, answers: Record<string, [number, string?]>) {
  const sent: Hop[] = [];
  let discarded = 0;
  await followRedirects(
    start,
    request,
    async (url, next): Promise<[number, string?]> => (sent.push({ url, request: next }), answers[url] ?? [200]),
    ([status, location]) => ({ status, location }),
    () => void discarded++,
  );
  return { sent, discarded };
}

const post: OutgoingRequest = { method: 'POST', headers: { Authorization: 'Bearer t', 'Content-Type': 'application/json' }, body: '{}' };

describe('followRedirects', () => {
  it('keeps method and body through 307 and 308, and turns a 302 after a POST into a GET without them', async () => {
    const { sent, discarded } = await hops('https://a.test/x', post, {
      'https://a.test/x': [307, '/y'],
      'https://a.test/y': [308, '/z'],
      'https://a.test/z': [302, '/done'],
    });
    expect(sent.map(({ url, request }) => [url, request.method, request.body, request.headers['Content-Type']])).toEqual([
      ['https://a.test/x', 'POST', '{}', 'application/json'],
      ['https://a.test/y', 'POST', '{}', 'application/json'],
      ['https://a.test/z', 'POST', '{}', 'application/json'],
      ['https://a.test/done', 'GET', undefined, undefined],
    ]);
    expect(discarded).toBe(3);
  });

  it('drops the credentials once a redirect leaves the origin, and never gets them back', async () => {
    const { sent } = await hops('https://a.test/x', { ...post, method: 'GET', body: undefined }, {
      'https://a.test/x': [301, 'https://b.test/y'],
      'https://b.test/y': [303, 'https://a.test/z'],
    });
    expect(sent.map(({ request }) => request.headers.Authorization)).toEqual(['Bearer t', undefined, undefined]);
  });

  it('gives up after 20 redirects', async () => {
    await expect(hops('https://a.test/x', post, { 'https://a.test/x': [307, '/x'] })).rejects.toThrow('more than 20 redirects');
  });
});

describe('contentDecoder', () => {
  it('decodes the encodings fetch decodes, whatever their case and spacing, and leaves the rest alone', async () => {
    const decoder = contentDecoder(' GZIP ')!;
    const chunks: Buffer[] = [];
    decoder.on('data', (chunk: Buffer) => chunks.push(chunk));
    await new Promise((resolve) => decoder.on('end', resolve).end(gzipSync('hello')));
    expect(Buffer.concat(chunks).toString()).toBe('hello');
    expect([contentDecoder('identity'), contentDecoder(undefined), contentDecoder('zstd')]).toEqual([undefined, undefined, undefined]);
  });

  const decode = async (encoding: string, encoded: Buffer, pieces = 1) => {
    const decoder = contentDecoder(encoding)!;
    const chunks: Buffer[] = [];
    decoder.on('data', (chunk: Buffer) => chunks.push(chunk));
    const ended = new Promise((resolve, reject) => decoder.on('end', resolve).on('error', reject));
    const step = Math.ceil(encoded.length / pieces);
    for (let at = 0; at < encoded.length; at += step) decoder.write(encoded.subarray(at, at + step));
    decoder.end();
    await ended;
    return Buffer.concat(chunks);
  };
  const text = Buffer.from('a package that compresses well '.repeat(4000));

  it('undoes stacked codings, the last applied first, in any number of pieces', async () => {
    expect((await decode('br, gzip', gzipSync(brotliCompressSync(text)), 7)).equals(text)).toBe(true);
    expect((await decode('gzip, identity, deflate', deflateSync(gzipSync(text)))).equals(text)).toBe(true);
  });

  it('takes deflate with a zlib header and without one (raw), as fetch does', async () => {
    expect((await decode('deflate', deflateSync(text), 3)).equals(text)).toBe(true);
    expect((await decode('deflate', deflateRawSync(text), 3)).equals(text)).toBe(true);
  });

  it('leaves the bytes alone when any coding is unknown, and refuses more than five', () => {
    expect(contentDecoder('gzip, zstd')).toBeUndefined();
    expect(() => contentDecoder('gzip, gzip, gzip, gzip, gzip, gzip')).toThrow(/too many content codings/);
  });

  it.each(['deflate', 'br, gzip'])('ends (%s) when bytes after the compressed data end the decoder before the body ends', async (encoding) => {
    const decoder = contentDecoder(encoding)!;
    const chunks: Buffer[] = [];
    decoder.on('data', (chunk: Buffer) => chunks.push(chunk));
    const ended = new Promise((resolve, reject) => decoder.on('end', resolve).on('error', reject));
    // A byte after the last decoder's data (which fetch ignores): that decoder ends by itself.
    const trailing = (data: Buffer) => Buffer.concat([data, Buffer.from('\n')]);
    decoder.write(encoding == 'deflate' ? trailing(deflateSync(text)) : gzipSync(trailing(brotliCompressSync(text))));
    await new Promise((resolve) => setTimeout(resolve, 50)); // the body ends a moment later
    decoder.end();
    await ended;
    expect(Buffer.concat(chunks).equals(text)).toBe(true);
  });

  it('fails with the inner error when a stacked body is corrupt', async () => {
    await expect(decode('br, gzip', gzipSync(Buffer.from('not brotli at all')))).rejects.toThrow();
  });
});
