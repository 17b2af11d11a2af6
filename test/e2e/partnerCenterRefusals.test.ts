// Partner Center refusing an order for who is asking or what is asked, through the whole app: the simulator's stricter
// behaviours (local/partner-center-simulator/README.md) switched on one at a time (the unknown customer is the default), and the outcome the ERP hears for
// each. Every refusal ends the order at once: none of them is retried, and nothing is bought.
import { M365_E3, validOrder } from '../fixtures/orders/requests';
import { customerIdFor, runOrderOverHttp, simulatorCalls, strangerIdFor, useE2eStack } from './stack';

const stack = useE2eStack();

const CHECKOUT = /\/carts\/[^/]+\/checkout$/;
const E3_LINE = { catalogItemId: M365_E3, quantity: 5, billingCycle: 'monthly', termDuration: 'P1Y' } as const;

it('fails naming Partner Center\'s description when checkout refuses a cart without the partner attestation (400/900206)', async () => {
  const customerId = customerIdFor('refusal-partner-attestation');
  stack.simulator.controls.setKnobs({ requirePartnerAttestation: true });

  const { final, results, outcome } = await runOrderOverHttp(stack, validOrder({ orderId: 'SO-REF-1', customerId, lineItems: [E3_LINE] }));

  expect(final.runtimeStatus).toBe('Completed');
  expect(results.map((m) => m.subject)).toEqual(['failed']);
  expect(outcome).toMatchObject({ status: 'failed', orders: [], submittedAt: null });
  expect(outcome.errors).toEqual([
    { source: 'partnerCenter', reason: 'refused', operation: 'checkout', status: 400, code: '900206', description: expect.stringContaining('Partner Attestation is missing') },
  ]);
  // One checkout, answered 400: a refusal is not retried.
  expect(simulatorCalls(stack, customerId, 'POST', CHECKOUT).map((c) => c.status)).toEqual([400]);
  expect(stack.simulator.controls.counts(customerId)).toMatchObject({ carts: 1, checkouts: 0, orders: 0 });
}, 60_000);

it('completes the same order once the ERP gives the partner attestation', async () => {
  const customerId = customerIdFor('refusal-partner-attestation-given');
  stack.simulator.controls.setKnobs({ requirePartnerAttestation: true });

  const { results } = await runOrderOverHttp(stack, validOrder({ orderId: 'SO-REF-2', customerId, lineItems: [E3_LINE], partnerOnRecordAttestationAccepted: true }));

  expect(results.map((m) => m.subject)).toEqual(['submitted', 'completed']);
}, 60_000);

describe('an indirect provider naming a reseller (the local stack\'s default partner: participants supported, attestation required with them)', () => {
  const RESELLER_LINE = { ...E3_LINE, participants: [{ key: 'transaction_reseller', value: '5357564' }] };

  it('fails at checkout naming 900206 when the ERP gives no partner attestation, with no knob set', async () => {
    const customerId = customerIdFor('refusal-reseller-no-attestation');

    const { results, outcome } = await runOrderOverHttp(stack, validOrder({ orderId: 'SO-REF-11', customerId, lineItems: [RESELLER_LINE] }));

    expect(results.map((m) => m.subject)).toEqual(['failed']);
    expect(outcome).toMatchObject({ status: 'failed', orders: [], submittedAt: null });
    expect(outcome.errors).toEqual([
      { source: 'partnerCenter', reason: 'refused', operation: 'checkout', status: 400, code: '900206', description: expect.stringContaining('names a reseller (participants)') },
    ]);
    expect(simulatorCalls(stack, customerId, 'POST', CHECKOUT).map((c) => c.status)).toEqual([400]);
    expect(stack.simulator.controls.counts(customerId)).toMatchObject({ carts: 1, checkouts: 0, orders: 0 });
  }, 60_000);

  it('buys the same order when the ERP gives the attestation, which the app sends on the cart', async () => {
    const customerId = customerIdFor('refusal-reseller-attested');

    const { results } = await runOrderOverHttp(stack, validOrder({ orderId: 'SO-REF-12', customerId, lineItems: [RESELLER_LINE], partnerOnRecordAttestationAccepted: true }));

    expect(results.map((m) => m.subject)).toEqual(['submitted', 'completed']);
    expect(stack.simulator.controls.counts(customerId)).toMatchObject({ carts: 1, checkouts: 1, orders: 1 });
  }, 60_000);
});

it('fails naming the line when Partner Center does not let this partner name participants (10004), without checking out', async () => {
  const customerId = customerIdFor('refusal-participants');
  stack.simulator.controls.setKnobs({ participantsSupported: false });
  const order = validOrder({
    orderId: 'SO-REF-3',
    customerId,
    lineItems: [
      { id: 7, catalogItemId: 'CFQ7TTC0LH0Z:0001:CFQ7TTC0K18P', quantity: 1, billingCycle: 'monthly', termDuration: 'P1M' },
      { id: 8, ...E3_LINE, participants: [{ key: 'transaction_reseller', value: '5357564' }] },
    ],
  });

  const { final, results, outcome } = await runOrderOverHttp(stack, order);

  expect(final.runtimeStatus).toBe('Completed');
  expect(results.map((m) => m.subject)).toEqual(['failed']);
  expect(outcome).toMatchObject({ status: 'failed', orders: [], submittedAt: null });
  expect(outcome.errors).toEqual([
    { source: 'lineItem', lineItemIndex: 1, lineItemId: 8, code: 'ParticipantsIsNotSupportedForPartner', codeNumber: 10004, description: expect.stringMatching(/participants/i) },
  ]);
  expect(simulatorCalls(stack, customerId, 'POST', CHECKOUT)).toEqual([]);
  expect(stack.simulator.controls.counts(customerId)).toMatchObject({ carts: 1, checkouts: 0, orders: 0 });
}, 60_000);

it('fails before any cart exists, with the service\'s reason, for a customer id that is no tenant (404/60003)', async () => {
  // No knob: the simulator, like the service, knows only the partner's customers, and this GUID is none of them.
  const customerId = strangerIdFor('refusal-unknown-customer');

  const { final, results, outcome } = await runOrderOverHttp(stack, validOrder({ orderId: 'SO-REF-4', customerId }));

  expect(final.runtimeStatus).toBe('Completed');
  expect(results.map((m) => m.subject)).toEqual(['failed']);
  expect(outcome).toMatchObject({ status: 'failed', orders: [], submittedAt: null, cartId: null });
  expect(outcome.errors).toEqual([{ source: 'partnerCenter', reason: 'notFound', operation: 'createCart', status: 404, code: '60003', description: 'Tenant not found' }]);
  expect(simulatorCalls(stack, customerId).map((c) => `${c.method} ${c.status}`)).toEqual(['POST 404']);
  expect(stack.simulator.controls.counts(customerId)).toMatchObject({ carts: 0, checkouts: 0, orders: 0 });
}, 60_000);

it('fails before any cart exists, as not authorized, for a tenant that is not the partner\'s customer (403/20002)', async () => {
  const customerId = customerIdFor('refusal-no-relationship');
  stack.simulator.controls.setKnobs({ otherTenants: [customerId] });

  const { results, outcome } = await runOrderOverHttp(stack, validOrder({ orderId: 'SO-REF-5', customerId }));

  expect(results.map((m) => m.subject)).toEqual(['failed']);
  expect(outcome.errors).toEqual([
    { source: 'partnerCenter', reason: 'notAuthorized', operation: 'createCart', status: 403, code: '20002', description: 'No relationship between caller and account.' },
  ]);
  expect(simulatorCalls(stack, customerId).map((c) => `${c.method} ${c.status}`)).toEqual(['POST 403']);
}, 60_000);

it.each([
  ['insufficientPrivileges', '900308', 'Insufficient privileges'],
  ['appOnlyAuthentication', '900329', 'This resource does not support application-only authentication.'],
] as const)('fails as not authorized after one call when Partner Center refuses the app (%s, 403/%s): no retry storm', async (mode, code, description) => {
  const customerId = customerIdFor(`refusal-access-denied-${mode}`);
  stack.simulator.controls.setKnobs({ accessDenied: mode });

  const { final, results, outcome } = await runOrderOverHttp(stack, validOrder({ orderId: `SO-REF-6-${mode}`, customerId }));

  expect(final.runtimeStatus).toBe('Completed');
  expect(results.map((m) => m.subject)).toEqual(['failed']);
  expect(outcome).toMatchObject({ status: 'failed', orders: [], submittedAt: null });
  expect(outcome.errors).toEqual([{ source: 'partnerCenter', reason: 'notAuthorized', operation: 'createCart', status: 403, code, description }]);
  // The client does not retry a 403 and the workflow does not wait it out: exactly one request reached Partner Center.
  expect(simulatorCalls(stack, customerId).map((c) => `${c.method} ${c.status}`)).toEqual(['POST 403']);
}, 60_000);

it('fails naming the line when a quantity is outside what the offer sells (400/900275), without checking out', async () => {
  const customerId = customerIdFor('refusal-quantity');
  stack.simulator.controls.setCatalogItem(M365_E3, {}, { minQuantity: 1, maxQuantity: 300 });
  const order = validOrder({ orderId: 'SO-REF-7', customerId, lineItems: [{ ...E3_LINE, id: 3, quantity: 301 }] });

  const { results, outcome } = await runOrderOverHttp(stack, order);

  expect(results.map((m) => m.subject)).toEqual(['failed']);
  expect(outcome.errors).toEqual([
    { source: 'partnerCenter', reason: 'refused', operation: 'createCart', status: 400, code: '900275', description: expect.stringContaining('quantity for line item 3 is not within the allowed quantity') },
  ]);
  expect(simulatorCalls(stack, customerId).map((c) => `${c.method} ${c.status}`)).toEqual(['POST 400']);
}, 60_000);

it('fails naming the code, as a refusal and not as the app\'s authorization, when checkout needs the Customer Agreement (403/13605)', async () => {
  // Partner Center answers 403 for business refusals too (error-codes.md); 13605 is for the customer to fix, so the
  // ERP must hear the code rather than "the app is not authorized in Partner Center".
  const customerId = customerIdFor('refusal-customer-agreement');
  const description = 'Either a partner confirmation of the customer acceptance of the Microsoft Customer Agreement must be provided or the customer must accept the Microsoft Customer Agreement in the Microsoft Admin Center before you can complete this purchase';
  stack.simulator.controls.setCatalogItem(M365_E3, { checkoutRefusal: { status: 403, code: 13605, description } });

  const { final, results, outcome } = await runOrderOverHttp(stack, validOrder({ orderId: 'SO-REF-8', customerId, lineItems: [E3_LINE] }));

  expect(final.runtimeStatus).toBe('Completed');
  expect(results.map((m) => m.subject)).toEqual(['failed']);
  expect(outcome).toMatchObject({ status: 'failed', orders: [], submittedAt: null });
  expect(outcome.errors).toEqual([{ source: 'partnerCenter', reason: 'refused', operation: 'checkout', status: 403, code: '13605', description }]);
  // One checkout, answered 403 and not retried; the cart was created, nothing was bought.
  expect(simulatorCalls(stack, customerId, 'POST', CHECKOUT).map((c) => c.status)).toEqual([403]);
  expect(stack.simulator.controls.counts(customerId)).toMatchObject({ carts: 1, checkouts: 0, orders: 0 });
}, 60_000);

describe("a reservation line without its SKU's provisioningVariables (error-codes.md 900313)", () => {
  const RESERVATION = { id: 2, catalogItemId: 'DZH318Z0BQ36:004G:DZH318Z08C0S', quantity: 1, billingCycle: 'one_time', termDuration: 'P1Y', provisioningContext: { scope: 'shared' } } as const;
  const ENTITLEMENT_REQUIRED = 'Entitlement ID (Azure subscription ID) in the provisioning context is required for the transaction';

  it('fails naming the line and 900313 when the cart answers it as a line-item error (the default), without checking out', async () => {
    const customerId = customerIdFor('refusal-reservation-no-subscription');
    const order = validOrder({ orderId: 'SO-REF-9', customerId, lineItems: [{ ...E3_LINE, id: 1 }, RESERVATION] });

    const { final, results, outcome } = await runOrderOverHttp(stack, order);

    expect(final.runtimeStatus).toBe('Completed');
    expect(results.map((m) => m.subject)).toEqual(['failed']);
    expect(outcome).toMatchObject({ status: 'failed', orders: [], submittedAt: null });
    // 900313 is not a CartErrorCode, so the client names it Unknown and keeps the number and the service's text.
    expect(outcome.errors).toEqual([
      { source: 'lineItem', lineItemIndex: 1, lineItemId: 2, code: 'Unknown', codeNumber: 900313, description: expect.stringContaining(ENTITLEMENT_REQUIRED) },
    ]);
    expect(simulatorCalls(stack, customerId, 'POST', CHECKOUT)).toEqual([]);
    expect(stack.simulator.controls.counts(customerId)).toMatchObject({ carts: 1, checkouts: 0, orders: 0 });
  }, 60_000);

  it("fails as a refusal of the cart (400/900313) when Partner Center refuses the whole request (provisioningContextErrors: 'request')", async () => {
    const customerId = customerIdFor('refusal-reservation-no-subscription-request');
    stack.simulator.controls.setKnobs({ provisioningContextErrors: 'request' });

    const { results, outcome } = await runOrderOverHttp(stack, validOrder({ orderId: 'SO-REF-10', customerId, lineItems: [RESERVATION] }));

    expect(results.map((m) => m.subject)).toEqual(['failed']);
    expect(outcome.errors).toEqual([
      { source: 'partnerCenter', reason: 'refused', operation: 'createCart', status: 400, code: '900313', description: expect.stringContaining(ENTITLEMENT_REQUIRED) },
    ]);
    expect(simulatorCalls(stack, customerId).map((c) => `${c.method} ${c.status}`)).toEqual(['POST 400']);
    expect(stack.simulator.controls.counts(customerId)).toMatchObject({ carts: 0, checkouts: 0, orders: 0 });
  }, 60_000);
});
