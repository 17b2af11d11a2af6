// Captures what `df.app.orchestration` registers, through the `@azure/functions-core` module the Functions worker
// provides (reference durable-functions-protocol.md §7). jest resolves modules through its own registry, so the
// worker's require hook cannot be used here; a virtual jest mock stands in for the worker's module. This is the only
// stand-in: the handler captured is the durable-functions SDK's real orchestrator entry.

type Handler = (triggerInput: unknown, context: unknown) => Promise<unknown>;

const registered = new Map<string, { metadata: { name: string; bindings: Record<string, { type: string }> }; handler: Handler }>();

jest.mock(
  '@azure/functions-core',
  () => ({
    version: 'test',
    hostVersion: '4.0.0',
    setProgrammingModel: () => undefined,
    getProgrammingModel: () => undefined,
    registerHook: () => ({ dispose: () => undefined }),
    registerFunction: (metadata: { name: string; bindings: Record<string, { type: string }> }, handler: Handler) => {
      registered.set(metadata.name, { metadata, handler });
      return { dispose: () => registered.delete(metadata.name) };
    },
  }),
  { virtual: true },
);

export function registeredFunction(name: string) {
  const entry = registered.get(name);
  if (!entry) throw new Error(`no function named ${name} was registered (registered: ${[...registered.keys()].join(', ')})`);
  return entry;
}
