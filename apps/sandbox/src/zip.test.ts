import { afterEach, describe, expect, it } from 'vitest';
import { type Fixture, getDefaultFixture, type Sandbox, startSandbox } from './index.ts';
import { apiOf, seeded, unzip } from './test-support.ts';
import { generatedContent } from './zip.ts';

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function completedExecutionOf(actionName: string): Promise<{ id: string; api: ReturnType<typeof apiOf> }> {
  const api = apiOf(sandbox!);
  const { actionExecutionId } = await (
    await api.get(`/action/execute/${seeded(sandbox!.actions, actionName).actionId}`)
  ).json();
  sandbox!.admin.advanceTime(60_000);
  return { id: actionExecutionId, api };
}

describe('result packages', () => {
  it('are real ZIPs of the files the fixture scripts, named after the execution', async () => {
    sandbox = await startSandbox();
    const { id, api } = await completedExecutionOf('Daily sales report');
    const response = await api.get(`/actionexecution/downloadpackage/${id}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/zip');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${id}.zip"`);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.length).toBe(Number(response.headers.get('content-length')));

    const files = await unzip(bytes);
    const scripted = getDefaultFixture().tenants[0]!.projects[0]!.actions.find(
      (action) => action.name === 'Daily sales report',
    )!.package!;
    expect([...files.keys()]).toEqual(scripted.map((file) => file.path));
    expect(files.get('sales.csv')!.toString()).toBe(scripted[0]!.text);
    expect(JSON.parse(files.get('summary.json')!.toString())).toEqual(scripted[1]!.json);
  });

  it('stream generated files of exactly the scripted size', async () => {
    const fixture: Fixture = getDefaultFixture();
    const action = fixture.tenants[0]!.projects[0]!.actions.find((candidate) => candidate.name === 'Large export')!;
    action.package = [{ path: 'events.csv', generatedBytes: 3 * 1024 * 1024 + 17 }];
    sandbox = await startSandbox({ fixture });
    const { id, api } = await completedExecutionOf('Large export');
    const files = await unzip(
      Buffer.from(await (await api.get(`/actionexecution/downloadpackage/${id}`)).arrayBuffer()),
    );
    const events = files.get('events.csv')!;
    expect(events.length).toBe(3 * 1024 * 1024 + 17);
    expect(events.subarray(0, 16).toString()).toBe('row,source,text\n');
  });

  it("of the default fixture's large export are 64 MiB, announced up front and streamed", async () => {
    sandbox = await startSandbox();
    const { id, api } = await completedExecutionOf('Large export');
    const response = await api.get(`/actionexecution/downloadpackage/${id}`);
    const announced = Number(response.headers.get('content-length'));
    expect(announced).toBeGreaterThan(64 * 1024 * 1024);
    let received = 0;
    const reader = response.body!.getReader();
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      received += read.value.byteLength;
    }
    expect(received).toBe(announced);
  });

  it('are not served before the execution completes', async () => {
    sandbox = await startSandbox();
    const api = apiOf(sandbox);
    const { actionExecutionId } = await (
      await api.get(`/action/execute/${seeded(sandbox.actions, 'Daily sales report').actionId}`)
    ).json();
    const response = await api.get(`/actionexecution/downloadpackage/${actionExecutionId}`);
    expect(response.status).toBe(404);
    expect((await response.json()).error).toBe('Zip file not found');
  });
});

describe('generatedContent', () => {
  it('produces exactly the requested number of bytes, zero included', async () => {
    for (const size of [0, 1, 65_536, 65_537, 200_000]) {
      let total = 0;
      for await (const chunk of generatedContent(size)) {
        total += (chunk as Buffer).length;
      }
      expect(total).toBe(size);
    }
  });
});
