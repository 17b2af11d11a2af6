// The requests integration engineers copy from Partner Center's docs, sent to the app as orders: the "Create a cart"
// page's six-line request (legacy Azure offer, two reservations with provisioningContext, perpetual software, SaaS,
// a SaaS trial renewing to a year, every line with its id) and its PascalCase new-commerce example.
import { docsCreateCartOrder, docsPascalCaseOrder } from '../fixtures/orders/requests';
import { customerIdFor, postJson, resultsFor, runOrderOverHttp, simulatorCalls, useE2eStack } from './stack';

const stack = useE2eStack();

interface OutcomeOrder {
  id: string;
  status: string;
  lineItems: { offerId: string; subscriptionId?: string }[];
}

it("buys the docs' six-line create-cart request and reports a subscription id for every line", async () => {
  const customerId = customerIdFor('docs-six-lines');
  const order = docsCreateCartOrder('SO-DOCS-6', customerId);

  const { final, results, outcome } = await runOrderOverHttp(stack, order);

  expect(final.runtimeStatus).toBe('Completed');
  expect(results.map((m) => m.subject)).toEqual(['submitted', 'completed']);
  expect(outcome.status).toBe('completed');
  expect(outcome.errors).toEqual([]);
  const orders = outcome.orders as OutcomeOrder[];
  // The docs' response groups them OMS-0 (legacy Azure), 0 (reservations and software), 1 (SaaS), 2 (trial).
  expect(orders).toHaveLength(4);
  expect(orders.every((o) => o.status === 'completed')).toBe(true);
  const lines = orders.flatMap((o) => o.lineItems);
  expect(lines.map((l) => l.offerId).sort()).toEqual(order.lineItems.map((l) => l.catalogItemId).sort());
  expect(lines.every((l) => typeof l.subscriptionId === 'string')).toBe(true);
  expect(simulatorCalls(stack, customerId, 'POST', /\/carts$/).map((c) => c.status)).toEqual([201]);
}, 60_000);

it('buys the PascalCase new-commerce example with the partner-of-record attestation', async () => {
  const customerId = customerIdFor('docs-pascal-case');
  const order = docsPascalCaseOrder('SO-DOCS-PASCAL', customerId);

  // Posted exactly as spelt: OrderId, CustomerId, LineItems, CatalogItemId, BillingCycle "Monthly".
  const accepted = await postJson(`${stack.runtime.apiBaseUrl}/orders`, order);
  expect(accepted.status).toBe(202);
  const final = await stack.runtime.waitForInstance(accepted.body.instanceId, { timeoutMs: 30_000 });
  expect(final.runtimeStatus).toBe('Completed');
  const outcome = resultsFor(stack, 'SO-DOCS-PASCAL').at(-1)?.body as { status: string; orderId: string; customerId: string; orders: OutcomeOrder[] };
  expect(outcome).toMatchObject({ status: 'completed', orderId: 'SO-DOCS-PASCAL', customerId });
  expect((outcome.orders as OutcomeOrder[]).flatMap((o) => o.lineItems.map((l) => l.subscriptionId))).toEqual([expect.any(String)]);
}, 60_000);

it('fails an order whose line needs attestation without it, naming the line and code 10012; buys it once the ERP attests', async () => {
  // Windows 365 Business with Windows Hybrid Benefit: the offers documented to enforce attestation.
  const W365_HYBRID = '5f3a7cd2-c76f-4b21-9ddc-f48f09869cf6';
  const customerId = customerIdFor('attestation');
  const line = { catalogItemId: W365_HYBRID, quantity: 2, billingCycle: 'monthly' };

  const refused = await runOrderOverHttp(stack, { orderId: 'SO-ATTEST-1', customerId, lineItems: [line] } as { orderId: string });
  expect(refused.outcome.status).toBe('failed');
  expect(refused.outcome.errors).toEqual([
    { source: 'lineItem', lineItemIndex: 0, lineItemId: 0, code: 'AttestationNotAccepted', codeNumber: 10012, description: expect.stringContaining("Attestation hasn't been accepted") },
  ]);
  expect(simulatorCalls(stack, customerId, 'POST', /\/checkout$/)).toEqual([]);

  const attested = await runOrderOverHttp(stack, { orderId: 'SO-ATTEST-2', customerId, partnerOnRecordAttestationAccepted: true, lineItems: [{ ...line, attestationAccepted: true }] } as { orderId: string });
  expect(attested.outcome.status).toBe('completed');
}, 60_000);
