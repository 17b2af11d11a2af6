// The Partner Center behaviours the workflow relies on, as the contract suite (test/contract/) checks them against
// the simulator and the real integration sandbox. `documented` is what the reference says (shared/reference in the
// workspace, partner-center-api.md and partner-center-orders-detail.md), so a report can put the docs, the simulator
// and the service side by side; `simulatorChoice` names where the docs are silent and the simulator had to choose.

export interface Behaviour {
  id: string;
  title: string;
  documented: string;
  simulatorChoice?: string;
}

export const BEHAVIOURS = [
  {
    id: 'createCart.license',
    title: 'create a cart with a new-commerce licence',
    documented: '201 Created, status "Active", expirationTimestamp 7 days after creation, line ids 0..n-1, an orderGroup per line (create-a-cart.md)',
  },
  { id: 'createCart.software', title: 'create a cart with perpetual software', documented: '201 Created, one_time billing, no termDuration (create-a-cart.md example)' },
  { id: 'createCart.saas', title: 'create a cart with a SaaS subscription', documented: '201 Created, monthly billing, P1M term (create-a-cart.md example)' },
  { id: 'createCart.azurePlan', title: 'create a cart with an Azure plan', documented: '201 Created, monthly billing, no term (create-a-cart.md example)' },
  { id: 'getCart', title: 'read a cart back', documented: '200 OK with the cart as created (REST reference get-a-cart-by-id; no narrative docs page)' },
  {
    id: 'checkout',
    title: 'check out a cart',
    documented: '201 Created with {orders, orderErrors}; the cart becomes "Ordered"; orders start "pending" (Azure plan can be "completed") (checkout-a-cart.md)',
  },
  {
    id: 'checkout.replaySameRequestId',
    title: 'replay a checkout with the same MS-RequestId',
    documented: 'MS-RequestId is "used to ensure id-potency"; what a replay answers is undocumented (headers.md)',
    simulatorChoice: 'the stored first answer, nothing created',
  },
  {
    id: 'checkout.alreadyOrdered',
    title: 'check out an already ordered cart (new MS-RequestId)',
    documented: 'either the first result again ("This API is idempotent", checkout-a-cart.md) or 400/800065 (error-codes.md); which one is undocumented',
    simulatorChoice: 'knob checkoutReplay: "idempotent" (default) or "reject"',
  },
  {
    id: 'orders.settle',
    title: 'read orders by id until they settle',
    documented: '200 Order; status pending → completed (or another documented status); subscription ids appear once provisioned (get-an-order-by-id.md, order-resources.md)',
    simulatorChoice: 'settles after orderPendingPolls GETs (default 2) or orderSettleDelayMs',
  },
  {
    id: 'orders.list',
    title: "list a customer's orders",
    documented: '200 {totalCount, items, links, attributes}; a new order may take up to 15 minutes to appear (get-all-of-a-customer-s-orders.md)',
    simulatorChoice: 'knob orderListingDelayMs (default 15 minutes, the documented upper bound)',
  },
  {
    id: 'customer.unknown',
    title: 'the answer for a customer the partner does not serve',
    documented: 'undocumented for carts and orders; 403/20002 "No relationship between caller and account." seen on the wire (Partner-Smart-Office#12), 404/60003 "Tenant not found" in error-codes.md',
    simulatorChoice: '404/60003 for a GUID outside knob knownCustomers, 403/20002 for one in knob otherTenants; by default only the built-in sample customers and those added (POST /_simulator/customers) exist; knownCustomers null makes every GUID a customer',
  },
  {
    id: 'cart.invalidCatalogItem',
    title: 'the answer for an invalid catalog item',
    documented: '201 cart whose line carries error CatalogItemIdIsNotValid (10001), "applied after cart is created" (cart-resources.md); no JSON sample exists',
  },
  {
    id: 'throttling',
    title: 'throttling answers',
    documented: '429 with Retry-After: <seconds> and {"statusCode":429,"message":"Rate limit is exceeded. Try again in N seconds."} (api-throttling-guidance.md)',
    simulatorChoice: 'token bucket per partner tenant, knob requestsPerMinute (default 500, the documented order limit)',
  },
] as const satisfies readonly Behaviour[];

export type BehaviourId = (typeof BEHAVIOURS)[number]['id'];

export function behaviour(id: BehaviourId): Behaviour {
  return BEHAVIOURS.find((b) => b.id === id)!;
}
