// An in-memory stand-in for the Durable client, used only by the trigger handler tests. Why not the real client: the
// stand-in for the Durable backend is the local runtime, which runs the whole app in a child process (the e2e suites
// of a later issue). These tests check the handlers' own decisions (dedupe, races, status codes) and mimic the
// documented durable-functions 3.5.0 client behaviour: getStatus of an unknown id throws an "HTTP 404" error, and the
// backend refuses startNew for an id whose instance is running (surfacing as "unexpected status code: 500").
import type { DurableOrchestrationStatus } from 'durable-functions';
import type { OrderInstances } from '../../../functions/orderInstances';

interface Instance {
  name: string;
  instanceId: string;
  runtimeStatus: string;
  input: unknown;
  customStatus: unknown;
  output: unknown;
  createdTime: Date;
  lastUpdatedTime: Date;
}

const RUNNING = new Set(['Pending', 'Running', 'ContinuedAsNew', 'Suspended']);

export class InMemoryInstances implements OrderInstances {
  readonly instances = new Map<string, Instance>();
  readonly starts: { name: string; instanceId: string; input: unknown }[] = [];
  readonly events: { instanceId: string; eventName: string; data: unknown }[] = [];
  /** Simulates an unreachable Durable backend (storage down, host restarting). */
  unreachable = false;
  /** Runs just before startNew takes effect: lets a test start the same id concurrently. */
  beforeStart?: (instanceId: string) => void;

  put(instanceId: string, fields: Partial<Instance> = {}): Instance {
    const instance: Instance = {
      name: 'processOrder',
      instanceId,
      runtimeStatus: 'Running',
      input: null,
      customStatus: null,
      output: null,
      createdTime: new Date('2026-03-02T09:00:00Z'),
      lastUpdatedTime: new Date('2026-03-02T09:05:00Z'),
      ...fields,
    };
    this.instances.set(instanceId, instance);
    return instance;
  }

  async getStatus(instanceId: string): Promise<DurableOrchestrationStatus> {
    this.failIfUnreachable();
    const instance = this.instances.get(instanceId);
    if (!instance) {
      throw new Error(`DurableClient error: Durable Functions extension replied with HTTP 404 response. This usually means we could not find any data associated with the instanceId provided: ${instanceId}.`);
    }
    return { ...instance } as unknown as DurableOrchestrationStatus;
  }

  async startNew(name: string, options?: { instanceId?: string; input?: unknown }): Promise<string> {
    this.failIfUnreachable();
    const instanceId = options?.instanceId ?? 'generated';
    this.beforeStart?.(instanceId);
    const existing = this.instances.get(instanceId);
    if (existing && RUNNING.has(existing.runtimeStatus)) {
      throw new Error('DurableClient error: Durable Functions extension replied with HTTP 500 response: unexpected status code: 500');
    }
    this.starts.push({ name, instanceId, input: options?.input });
    this.put(instanceId, { name, runtimeStatus: 'Pending', input: options?.input });
    return instanceId;
  }

  async raiseEvent(instanceId: string, eventName: string, data: unknown): Promise<void> {
    this.failIfUnreachable();
    if (!this.instances.has(instanceId)) throw new Error(`No instance with ID '${instanceId}' found.`);
    this.events.push({ instanceId, eventName, data });
  }

  private failIfUnreachable(): void {
    if (this.unreachable) throw new Error('connect ECONNREFUSED 127.0.0.1:17071');
  }
}
