// Baseline for the download benchmark: undici's request piped into a write stream with a 1 MiB
// buffer, the least the client's Node download does, in a fresh process. Same JSON output as save-package.mjs.
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';
import { request } from 'undici';

const [url, directory] = process.argv.slice(2);
const baselineRssMiB = process.resourceUsage().maxRSS / 1024;
const started = performance.now();
const response = await request(url, {
  headers: { authorization: 'Bearer bench-token-0123456789', 'accept-encoding': 'identity' },
});
const file = createWriteStream(join(directory, 'undici.zip'), { highWaterMark: 1 << 20 });
await pipeline(response.body, file);
const seconds = (performance.now() - started) / 1000;
console.log(
  JSON.stringify({
    seconds,
    bytes: file.bytesWritten,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    baselineRssMiB,
    ...cpuSeconds(),
  }),
);

function cpuSeconds() {
  const { user, system } = process.cpuUsage();
  return { userCpu: user / 1e6, systemCpu: system / 1e6, minorFaults: process.resourceUsage().minorPageFault };
}
