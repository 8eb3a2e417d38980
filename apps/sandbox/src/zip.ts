// A result package as a streamed ZIP (yazl). Entries are stored uncompressed so the total
// size is known before the first byte and the response carries a Content-Length; generated
// files are produced chunk by chunk on demand, so a large package never sits in memory.
import { Readable } from 'node:stream';
import { ZipFile } from 'yazl';
import type { FixtureFile } from './fixture.ts';

export interface PackageStream {
  stream: Readable;
  size: number;
}

export function zipPackage(files: FixtureFile[], mtime: Date): Promise<PackageStream> {
  const zip = new ZipFile();
  for (const file of files) {
    const options = { mtime, compress: false };
    if (file.generatedBytes !== undefined) {
      const size = file.generatedBytes;
      zip.addReadStreamLazy(file.path, { ...options, size }, (callback) => callback(null, generatedContent(size)));
    } else {
      const text = file.text ?? `${JSON.stringify(file.json, null, 2)}\n`;
      zip.addBuffer(Buffer.from(text, 'utf8'), file.path, options);
    }
  }
  return new Promise((resolve, reject) => {
    zip.once('error', reject);
    // @types/yazl leaves out the size argument the callback receives.
    const onSize = (size: number) => {
      if (size < 0) {
        reject(new Error('The package size could not be computed'));
      } else {
        resolve({ stream: zip.outputStream as Readable, size });
      }
    };
    zip.end(undefined, onSize as () => void);
  });
}

const chunkSize = 64 * 1024;
/** One chunk of readable CSV-like rows, reused for every generated file. */
const filler = (() => {
  const row = (n: number) => `${String(n).padStart(8, '0')},sandbox,generated row of a large package\n`;
  let text = 'row,source,text\n';
  for (let n = 1; text.length < chunkSize; n++) {
    text += row(n);
  }
  return Buffer.from(text.slice(0, chunkSize), 'utf8');
})();

/** Exactly `size` bytes of filler, pushed as the consumer reads. */
export function generatedContent(size: number): Readable {
  let remaining = size;
  return new Readable({
    highWaterMark: chunkSize,
    read() {
      if (remaining <= 0) {
        this.push(null);
        return;
      }
      const length = Math.min(remaining, chunkSize);
      remaining -= length;
      this.push(length === chunkSize ? filler : filler.subarray(0, length));
    },
  });
}
