// One download to disk in a fresh process, so its peak RSS is the download's alone.
// Prints { seconds, bytes, maxRssMiB, baselineRssMiB, userCpu, systemCpu, minorFaults } as JSON.
// Arguments: BASE_URL DIRECTORY [undici|fetch] [DIST] [fsync|nofsync]. `fetch`: the client is given
// `fetch` (web streams, not undici's request). DIST: the build to load (default ../dist; the client
// from before a change: bench/.baseline/dist). `nofsync`: `fsync: false` (a client that knows it).
import { performance } from 'node:perf_hooks';

const [baseUrl, directory, via = 'undici', dist = '../dist', sync = 'fsync'] = process.argv.slice(2);
const { createClient } = await import(`${dist}/index.js`);
const { downloadPackageToFile } = await import(`${dist}/node.js`);
const baselineRssMiB = process.resourceUsage().maxRSS / 1024; // after loading the client, before downloading
const client = createClient({
  baseUrl,
  token: 'bench-token-0123456789',
  tenantId: '12345678-1234-1234-1234-123456789012',
  projectId: '87654321-4321-4321-4321-210987654321',
  ...(via === 'fetch' ? { fetch: globalThis.fetch } : {}),
});
const started = performance.now();
const saved = await downloadPackageToFile(client, '11111111-2222-3333-4444-555555555555', {
  directory,
  overwrite: true,
  ...(sync === 'nofsync' ? { fsync: false } : {}),
});
const seconds = (performance.now() - started) / 1000;
console.log(
  JSON.stringify({
    seconds,
    bytes: saved.bytes,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    baselineRssMiB,
    ...cpuSeconds(),
  }),
);

function cpuSeconds() {
  const { user, system } = process.cpuUsage();
  return { userCpu: user / 1e6, systemCpu: system / 1e6, minorFaults: process.resourceUsage().minorPageFault };
}
