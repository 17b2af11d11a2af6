// The simulator's mutable world and its controls: state, knobs, catalog, clock, throttle, faults and the request log.
// The HTTP control API (controlApi.ts) and the programmatic `controls` both call into this, so they behave the same.
import { createCatalog, defaultCatalog, type CatalogItem, type ItemBehaviour } from './catalog';
import { updatedCatalogItem, type CatalogItemDefinition } from './catalogConfig';
import { createSimulatorClock, type SimulatorClock } from './clock';
import { DURATION_HELP, parseDuration } from './duration';
import { createFaultInjector, type FaultInjector, type FaultKind } from './faults';
import { DEFAULT_KNOBS, parseCustomerIds, SimulatorConfigError, validateKnobs, type SimulatorKnobs } from './knobs';
import type { SimulatorState } from './serviceContext';
import { createStore, type CustomerCounts } from './store';
import { createThrottle, type Throttle, type ThrottleReport } from './throttle';

export interface RequestLogEntry {
  method: string;
  path: string;
  /** 0 when no answer was sent (connection reset, or response dropped after commit). */
  status: number;
  requestId: string;
  /** False when the client sent no MS-RequestId (the simulator then made one up). */
  requestIdSupplied: boolean;
  correlationId: string;
  /** True when the answer was a stored response replayed for a repeated MS-RequestId. */
  replayed: boolean;
  faults: FaultKind[];
}

export interface SimulatorControls {
  /** Carts, orders and successful checkouts, in total and per customer (or for one customer). */
  counts(customerId?: string): CustomerCounts & { customers: Record<string, CustomerCounts> };
  /** Back to the start: no carts/orders/replays/log, clock offset 0, knobs and catalog as given at start, faults re-seeded. */
  reset(): void;
  /** Moves the simulator clock forward (milliseconds or a duration such as "15m"); returns the new simulator time. */
  advanceClock(by: number | string): number;
  now(): number;
  /** How far advanceClock has moved the simulator clock ahead of real time (0 after reset). */
  clockOffsetMs(): number;
  knobs(): SimulatorKnobs;
  /** Changes knobs at run time (validated; throws SimulatorConfigError naming each bad knob). */
  setKnobs(partial: Partial<SimulatorKnobs> | Record<string, unknown>): SimulatorKnobs;
  /**
   * Adds customers to knownCustomers (GUIDs; throws SimulatorConfigError naming a bad one) and returns the list. Until
   * the next reset, which goes back to the start knobs. No effect in the lenient mode (knownCustomers null): returns null.
   */
  addCustomers(customerIds: string[]): string[] | null;
  /** Adds or changes a catalog item; behaviour fields are merged into the item's current behaviour. */
  setCatalogItem(catalogItemId: string, behaviour: ItemBehaviour, definition?: CatalogItemDefinition): CatalogItem;
  catalog(): CatalogItem[];
  requestLog(): RequestLogEntry[];
  /**
   * Forgets every stored MS-RequestId answer, as Partner Center may (it documents the header's purpose, not how long
   * it remembers one): a repeated POST then runs again against the cart's current state.
   */
  forgetRequestIds(): void;
  /** The ledger behind the API: every order of the customer with the cart and order group it came from, oldest first. */
  orders(customerId: string): LedgerOrder[];
  /** Admitted and refused calls per partner tenant, per operation and per minute, since the throttle was last set. */
  throttling(): ThrottleReport;
}

/** An order as the simulator knows it; `cartId` is never on the wire (a Partner Center order does not name its cart). */
export interface LedgerOrder {
  id: string;
  cartId: string;
  orderGroup: string;
  createdAt: string;
  offerIds: string[];
}

export interface SimulatorRuntime extends SimulatorState {
  controls: SimulatorControls;
  /** Whether the id (lowercase) is one of this partner's customers: in knownCustomers, or known to the customerDirectory. */
  isCustomer(customerId: string): boolean;
  throttle(): Throttle;
  faults(): FaultInjector;
  log(entry: RequestLogEntry): void;
}

/** A catalog entry given in the options: new items, or changes to built-in ones (merged like setCatalogItem). */
export type CatalogItemOption = { id: string; behaviour?: ItemBehaviour } & CatalogItemDefinition;

export function createRuntime(
  initialKnobs: Partial<SimulatorKnobs> | Record<string, unknown>,
  catalogOptions: CatalogItemOption[],
  clockMode: 'real' | 'driven' = 'real',
  customerDirectory?: (customerId: string) => boolean,
): SimulatorRuntime {
  const startKnobs: SimulatorKnobs = { ...DEFAULT_KNOBS, ...validateKnobs(initialKnobs) };
  const startCatalog = buildCatalog(catalogOptions);
  const clock: SimulatorClock = createSimulatorClock(Date.now, clockMode);
  const store = createStore();
  let knobs = structuredClone(startKnobs);
  let catalog = createCatalog(startCatalog);
  let throttle = throttleFor(knobs, clock);
  let faults = createFaultInjector(structuredClone(knobs.faults), knobs.faultSeed);
  let requestLog: RequestLogEntry[] = [];

  const controls: SimulatorControls = {
    counts: (customerId) => store.counts(customerId),
    reset() {
      store.reset();
      clock.reset();
      knobs = structuredClone(startKnobs);
      catalog = createCatalog(startCatalog);
      throttle = throttleFor(knobs, clock);
      faults = createFaultInjector(structuredClone(knobs.faults), knobs.faultSeed);
      requestLog = [];
    },
    advanceClock(by) {
      const ms = parseDuration(by);
      if (ms === undefined) throw new SimulatorConfigError([`advanceClock: expected ${DURATION_HELP}, got ${JSON.stringify(by)}`]);
      return clock.advance(ms);
    },
    now: () => clock.now(),
    clockOffsetMs: () => clock.offsetMs(),
    knobs: () => structuredClone(knobs),
    setKnobs(partial) {
      const valid = validateKnobs(partial);
      knobs = { ...knobs, ...valid };
      // A throttling knob starts a fresh throttle: windows and counts.
      if (THROTTLE_KNOBS.some((name) => valid[name] !== undefined)) throttle = throttleFor(knobs, clock);
      if (valid.faults !== undefined || valid.faultSeed !== undefined) faults = createFaultInjector(structuredClone(knobs.faults), knobs.faultSeed);
      return structuredClone(knobs);
    },
    addCustomers(customerIds) {
      const added = parseCustomerIds('customerIds', customerIds);
      if (knobs.knownCustomers === null) return null;
      const knownCustomers = [...new Set([...knobs.knownCustomers, ...added])];
      knobs = { ...knobs, knownCustomers };
      return [...knownCustomers];
    },
    setCatalogItem(catalogItemId, behaviour, definition) {
      const existing = typeof catalogItemId === 'string' ? catalog.list().find((i) => i.id.toUpperCase() === catalogItemId.toUpperCase()) : undefined;
      const item = updatedCatalogItem(existing, catalogItemId, behaviour, definition);
      catalog.upsert(item);
      return structuredClone(item);
    },
    catalog: () => catalog.list(),
    requestLog: () => structuredClone(requestLog),
    forgetRequestIds: () => store.replays.clear(),
    orders: (customerId) =>
      store
        .ordersOf(customerId)
        .sort((a, b) => a.createdAt - b.createdAt)
        .map((o) => ({ id: o.id, cartId: o.cartId, orderGroup: o.orderGroup, createdAt: new Date(o.createdAt).toISOString(), offerIds: o.lines.map((l) => l.offerId) })),
    throttling: () => throttle.report(),
  };

  return {
    store,
    get catalog() {
      return catalog;
    },
    clock,
    knobs: () => knobs,
    controls,
    isCustomer: (customerId) => knobs.knownCustomers === null || knobs.knownCustomers.includes(customerId) || customerDirectory?.(customerId) === true,
    throttle: () => throttle,
    faults: () => faults,
    log: (entry) => void requestLog.push(entry),
  };
}

const THROTTLE_KNOBS = ['requestsPerMinute', 'requestBurst', 'throttleScope', 'throttleCountsRefused'] as const;

function throttleFor(knobs: SimulatorKnobs, clock: SimulatorClock): Throttle {
  return createThrottle(
    { requestsPerMinute: knobs.requestsPerMinute, burst: knobs.requestBurst, scope: knobs.throttleScope, countsRefused: knobs.throttleCountsRefused },
    clock.now,
  );
}

function buildCatalog(options: CatalogItemOption[]): CatalogItem[] {
  const catalog = createCatalog(defaultCatalog());
  for (const { id, behaviour, ...definition } of options) {
    const existing = catalog.list().find((i) => i.id.toUpperCase() === String(id).toUpperCase());
    catalog.upsert(updatedCatalogItem(existing, id, behaviour ?? {}, definition));
  }
  return catalog.list();
}
