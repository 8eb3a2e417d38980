// A sandbox in its own process (so it does not share the waiting process's memory or
// event loop), with one action that runs DURATION_MS. Sends its address over IPC.
import { startSandbox } from '@mindzie/sandbox';

const durationMs = Number(process.env.DURATION_MS ?? 30_000);
const actionId = 'a0000000-0000-4000-8000-000000000001';
const fixture = {
  tenants: [
    {
      tenantId: '10000000-0000-4000-8000-000000000001',
      tokens: ['bench-token'],
      projects: [
        {
          projectId: '20000000-0000-4000-8000-000000000001',
          actions: [
            {
              actionId,
              name: 'bench',
              outcome: 'Completed',
              queuedMs: 500,
              durationMs,
              package: [{ path: 'x.txt', text: 'x' }],
            },
          ],
          blocks: [],
        },
      ],
    },
  ],
};
const sandbox = await startSandbox({ port: 0, fixture });

// Status requests as the server sees them: arrivals per wall-clock second, read from the
// sandbox's request log (it keeps the last 10 000 entries, so it is read often).
const perSecond = new Map();
let lastSeq = 0;
const tally = () => {
  for (const entry of sandbox.admin.requests({ operationId: 'getActionExecution' })) {
    if (entry.seq <= lastSeq) {
      continue;
    }
    lastSeq = entry.seq;
    const second = Math.floor(Date.parse(entry.time) / 1000);
    perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
  }
};
const tallying = setInterval(tally, 200);

process.on('message', (message) => {
  if (message === 'reset') {
    tally();
    perSecond.clear();
  } else if (message === 'counts') {
    tally();
    process.send({ counts: [...perSecond.entries()].sort(([a], [b]) => a - b) });
  }
});
process.send({
  baseUrl: sandbox.baseUrl,
  token: sandbox.token,
  tenantId: sandbox.tenantId,
  projectId: sandbox.projectId,
  actionId,
});
process.on('disconnect', () => {
  clearInterval(tallying);
  sandbox.close().then(() => process.exit(0));
});
