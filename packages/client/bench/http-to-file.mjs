// Second baseline for the download benchmark: the least Node can do with node:http, the same URL
// piped into a file (fs.createWriteStream), in a fresh process. Same JSON output as save-package.mjs.
import { createWriteStream } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';

const [url, directory] = process.argv.slice(2);
const baselineRssMiB = process.resourceUsage().maxRSS / 1024;
const started = performance.now();
const response = await new Promise((resolve, reject) => request(url, { headers: { Authorization: 'Bearer bench-token-0123456789' } }, resolve).on('error', reject).end());
const file = createWriteStream(join(directory, 'http.zip'));
await pipeline(response, file);
const seconds = (performance.now() - started) / 1000;
console.log(JSON.stringify({ seconds, bytes: file.bytesWritten, maxRssMiB: process.resourceUsage().maxRSS / 1024, baselineRssMiB, ...cpuSeconds() }));

function cpuSeconds() {
  const { user, system } = process.cpuUsage();
  return { userCpu: user / 1e6, systemCpu: system / 1e6, minorFaults: process.resourceUsage().minorPageFault };
}
