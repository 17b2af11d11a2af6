// The Functions host's side of app registration, for unit tests: `@azure/functions-core` (the module the Node worker
// provides in-process, reference durable-functions-protocol.md §7) is the local runtime's own core API over a function
// registry, so `df.app.*` registers exactly as it does under `npm start`. jest resolves modules through its own
// registry, so the worker's require hook cannot provide the module here; a virtual jest mock hands over the runtime's
// core API object instead. This is the only stand-in: the registered handlers are the durable-functions SDK's.
import * as df from 'durable-functions';
import { createCoreApi } from '../../../local/runtime/coreApi';
import { createFunctionRegistry, type FunctionRegistry } from '../../../local/runtime/registry';

const mockAppFunctions = createFunctionRegistry();

jest.mock('@azure/functions-core', () => createCoreApi(mockAppFunctions, () => undefined), { virtual: true });

/** Every function the app registered in this test file, as the host sees them. */
export const appFunctions: FunctionRegistry = mockAppFunctions;

/**
 * Registers activities through `df.app.activity`, as the app does, for an orchestration driver to answer: the driver
 * replaces their handler per invocation, so this one only runs if something else invokes them.
 */
export function registerAnsweredActivities(names: readonly string[]): void {
  for (const name of names) {
    if (appFunctions.get(name)) continue;
    df.app.activity(name, {
      handler: () => {
        throw new Error(`activity ${name} is answered by the test through OrchestrationDriver; nothing else may invoke it`);
      },
    });
  }
}
