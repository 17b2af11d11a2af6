// In-memory state: carts, orders and stored POST responses for MS-RequestId replay. Keys are lower-cased because
// GUIDs in paths are case-insensitive.
import type { CartCheckoutResult, CartStatus } from '../../shared/partner-center/models';
import type { OrderOutcome } from './catalog';
import type { StoredLineItem } from './lineItems';
import type { SimResponse } from './responses';

export interface CartRecord {
  id: string;
  customerId: string;
  createdAt: number;
  modifiedAt: number;
  expiresAt: number;
  lastModifiedUser: string;
  status: CartStatus;
  lineItems: StoredLineItem[];
  /** The cart's PartnerOnRecordAttestationAccepted as sent (create-a-cart.md), undefined when absent. */
  partnerOnRecordAttestationAccepted?: boolean;
  /** True while a checkout is committing; a concurrent checkout gets 409/800064. */
  checkoutInProgress: boolean;
  /** The first successful checkout's answer, repeated for later checkouts (documented idempotency). */
  checkoutResult?: CartCheckoutResult;
}

export interface OrderLineRecord {
  lineItemNumber: number;
  offerId: string;
  friendlyName?: string;
  quantity: number;
  termDuration?: string;
  renewsTo?: { termDuration: string };
  provisioningContext: Record<string, string>;
  /** Drawn at checkout, shown once the order (or, for partial_success, this line) is provisioned. */
  subscriptionId: string;
  unitPrice: number;
  billingCycle: string;
}

export interface OrderRecord {
  id: string;
  /** The friendly id on invoices: equal to id for new-commerce orders, 12 hex for legacy (33-character) ones. */
  alternateId: string;
  customerId: string;
  cartId: string;
  orderGroup: string;
  billingCycle: string;
  currencyCode: string;
  createdAt: number;
  /** GETs of this order by id so far; they move it along its status path. */
  polls: number;
  outcome: OrderOutcome;
  pendingPolls: number | null;
  settleDelayMs: number | null;
  /** Whether a purchase-order wait ends only with an upload (knobs.purchaseOrderUpload at checkout). */
  purchaseOrderUpload: 'required' | 'automatic';
  /** The uploaded purchase order, once POSTed to /attachment. */
  purchaseOrder?: { uploadedAt: number; pollsAtUpload: number; attachments: { attachmentId: string; fileName: string; sizeInKB: number; attachmentType: string }[] };
  lines: OrderLineRecord[];
}

export interface StoredReplay {
  bodyHash: string;
  /** Simulator time of the first request. */
  at: number;
  response: Promise<SimResponse>;
}

export interface CustomerCounts {
  carts: number;
  orders: number;
  checkouts: number;
}

export interface SimulatorStore {
  getCart(customerId: string, cartId: string): CartRecord | undefined;
  addCart(cart: CartRecord): void;
  getOrder(customerId: string, orderId: string): OrderRecord | undefined;
  addOrder(order: OrderRecord): void;
  ordersOf(customerId: string): OrderRecord[];
  recordCheckout(customerId: string): void;
  /** Stored (or in-flight) responses of POSTs by `METHOD path requestId`, with the request body's hash and when it ran. */
  replays: Map<string, StoredReplay>;
  counts(customerId?: string): CustomerCounts & { customers: Record<string, CustomerCounts> };
  reset(): void;
}

const key = (...parts: string[]) => parts.map((p) => p.toLowerCase()).join('/');

export function createStore(): SimulatorStore {
  const carts = new Map<string, CartRecord>();
  const orders = new Map<string, OrderRecord>();
  const checkouts = new Map<string, number>();
  const replays = new Map<string, StoredReplay>();

  const perCustomer = (): Record<string, CustomerCounts> => {
    const result: Record<string, CustomerCounts> = {};
    const entry = (cid: string) => (result[cid.toLowerCase()] ??= { carts: 0, orders: 0, checkouts: 0 });
    carts.forEach((c) => entry(c.customerId).carts++);
    orders.forEach((o) => entry(o.customerId).orders++);
    checkouts.forEach((n, cid) => (entry(cid).checkouts = n));
    return result;
  };

  return {
    getCart: (customerId, cartId) => carts.get(key(customerId, cartId)),
    addCart: (cart) => void carts.set(key(cart.customerId, cart.id), cart),
    getOrder: (customerId, orderId) => orders.get(key(customerId, orderId)),
    addOrder: (order) => void orders.set(key(order.customerId, order.id), order),
    ordersOf: (customerId) => [...orders.values()].filter((o) => o.customerId.toLowerCase() === customerId.toLowerCase()),
    recordCheckout: (customerId) => void checkouts.set(customerId.toLowerCase(), (checkouts.get(customerId.toLowerCase()) ?? 0) + 1),
    replays,
    counts(customerId) {
      const customers = perCustomer();
      if (customerId) {
        const one = customers[customerId.toLowerCase()] ?? { carts: 0, orders: 0, checkouts: 0 };
        return { ...one, customers: { [customerId.toLowerCase()]: one } };
      }
      const total = Object.values(customers).reduce((sum, c) => ({ carts: sum.carts + c.carts, orders: sum.orders + c.orders, checkouts: sum.checkouts + c.checkouts }), { carts: 0, orders: 0, checkouts: 0 });
      return { ...total, customers };
    },
    reset() {
      carts.clear();
      orders.clear();
      checkouts.clear();
      replays.clear();
    },
  };
}
