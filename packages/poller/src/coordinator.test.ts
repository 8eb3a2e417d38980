// The coordinator hook, with a coordinator written against the public interface: the
// default polls alone; a fleet's poll makes the checks, and a status it passes on (as
// another process would) ends the wait at once, outside the schedule.
import { InvalidArgumentError } from '@mindzie/client';
import { describe, expect, it } from 'vitest';
import { type Coordinator, type FleetMember, type FleetPoll, inProcessCoordinator } from './coordinator.js';
import { eventually, idOf, quick, useSandbox } from './test-support.js';
import { waitForActionExecution } from './waits.js';

const env = useSandbox();

const statusReads = () => env.sandbox.admin.requests({ operationId: 'getActionExecution' });

/** Records what the poller asks of it; with `answer`, checks answer it instead of asking the server (a follower). */
function recordingCoordinator({ answer }: { answer?: unknown }) {
  const seen = { joined: [] as string[], checks: 0, left: 0, member: undefined as FleetMember | undefined };
  const coordinator: Coordinator = {
    join(key, member) {
      seen.joined.push(key);
      seen.member = member;
      const poll: FleetPoll = {
        check(source, context) {
          seen.checks += 1;
          return answer === undefined ? source.check(context) : Promise.resolve(answer as never);
        },
        leave() {
          seen.left += 1;
        },
      };
      return poll;
    },
  };
  return { coordinator, seen };
}

describe('coordinator', () => {
  it('in-process (the default) joins nothing: waits poll alone, as without one', async () => {
    const { actionExecutionId } = await env.client.executeAction(idOf(env.sandbox.actions, 'Daily sales report'));
    expect(inProcessCoordinator.join('action:x', { receive() {} })).toBeUndefined();
    const done = await waitForActionExecution(env.client, actionExecutionId, {
      ...quick,
      coordinator: inProcessCoordinator,
    });
    expect(done.status).toBe('Completed');
    expect(statusReads().length).toBeGreaterThan(0);
  });

  it('checks through the fleet poll of the execution (named by kind and id) and leaves it when done', async () => {
    const { actionExecutionId } = await env.client.executeAction(idOf(env.sandbox.actions, 'Daily sales report'));
    const { coordinator, seen } = recordingCoordinator({});
    const done = await waitForActionExecution(env.client, actionExecutionId.toUpperCase(), { ...quick, coordinator });
    expect(done.status).toBe('Completed');
    expect(seen.joined).toEqual([`action:${actionExecutionId.toLowerCase()}`]);
    expect(seen.checks).toBe(statusReads().length);
    expect(seen.left).toBe(1);
  });

  it('ends a wait with a status the fleet passes on, without a request of its own', async () => {
    const queued = await env.client.executeAction(idOf(env.sandbox.actions, 'Full reprocessing'));
    const { actionExecutionId } = queued;
    const { coordinator, seen } = recordingCoordinator({ answer: queued });
    const changes: string[] = [];
    const waiting = waitForActionExecution(env.client, actionExecutionId, {
      ...quick,
      initialDelayMs: 5_000, // asleep after its first check: only the fleet's status can end it before then
      maxDelayMs: 5_000,
      coordinator,
      onStatusChange: (value) => changes.push(value.status),
    });
    await eventually(() => changes.length === 1);
    const started = Date.now();
    seen.member!.receive({ ...queued, status: 'Completed' });
    await expect(waiting).resolves.toMatchObject({ status: 'Completed' });
    expect(Date.now() - started).toBeLessThan(4_000); // its own next check would come after 5 s
    expect(changes).toEqual(['Queued', 'Completed']);
    expect(seen.checks).toBe(1);
    expect(statusReads()).toHaveLength(0);
    expect(seen.left).toBe(1);
  });

  it('refuses a coordinator without join before any request', async () => {
    const error = await waitForActionExecution(env.client, 'e0000000-0000-4000-8000-000000000001', {
      coordinator: {} as Coordinator,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).message).toMatch(/coordinator/);
    expect(statusReads()).toHaveLength(0);
  });
});
