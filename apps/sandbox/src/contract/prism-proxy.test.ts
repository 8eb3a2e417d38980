// The same contract suite through `prism proxy`, which validates every answer against the
// spec on its own and reports problems in an `sl-violations` header: there must be none.
import { expect, it } from 'vitest';
import type { Sandbox } from '../index.ts';
import { startPrism } from './prism.ts';
import { contractSuite } from './suite.ts';
import { remoteTargetFromEnv, sandboxTarget, type Target } from './target.ts';

type ProxiedTarget = Target & { sandbox?: Sandbox };

contractSuite(
  'behind prism proxy',
  async (): Promise<ProxiedTarget> => {
    const upstream: ProxiedTarget = remoteTargetFromEnv() ?? (await sandboxTarget());
    const prism = await startPrism('proxy', upstream.baseUrl);
    return {
      ...upstream,
      label: `${upstream.label} behind prism proxy`,
      baseUrl: prism.baseUrl,
      binaryMangled: true,
      prismProxy: true,
      close: async () => {
        await prism.close();
        await upstream.close();
      },
    };
  },
  (target) => {
    it('would report an answer the spec does not document (the check is not vacuous)', async (context) => {
      const { sandbox, baseUrl, tenantId, projectId, token } = target() as ProxiedTarget;
      if (!sandbox) {
        return context.skip();
      }
      sandbox.admin.injectFault({ operationId: 'listActionExecutions', kind: 'status', status: 503 });
      const response = await fetch(
        `${baseUrl}/api/${tenantId}/${projectId}/actionexecution/action/${crypto.randomUUID()}`,
        {
          headers: { authorization: `Bearer ${token}` },
        },
      );
      expect(response.status).toBe(503);
      const violations = JSON.parse(response.headers.get('sl-violations') ?? '[]') as Array<{ location: string[] }>;
      expect(violations.some((violation) => violation.location[0] === 'response')).toBe(true);
    });
  },
);
