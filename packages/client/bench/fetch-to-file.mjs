// Baseline for the download benchmark: the least Node can do with fetch, the same URL
// written to a file chunk by chunk, in a fresh process. Same JSON output as save-package.mjs.
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const [url, directory] = process.argv.slice(2);
const baselineRssMiB = process.resourceUsage().maxRSS / 1024;
const started = performance.now();
const response = await fetch(url, { headers: { Authorization: 'Bearer bench-token-0123456789' } });
const file = await open(join(directory, 'fetch.zip'), 'w');
let bytes = 0;
for (const reader = response.body.getReader(); ; ) {
  const { done, value } = await reader.read();
  if (done) {
    break;
  }
  await file.write(value);
  bytes += value.byteLength;
}
await file.close();
const seconds = (performance.now() - started) / 1000;
console.log(
  JSON.stringify({ seconds, bytes, maxRssMiB: process.resourceUsage().maxRSS / 1024, baselineRssMiB, ...cpuSeconds() }),
);

function cpuSeconds() {
  const { user, system } = process.cpuUsage();
  return { userCpu: user / 1e6, systemCpu: system / 1e6, minorFaults: process.resourceUsage().minorPageFault };
}
