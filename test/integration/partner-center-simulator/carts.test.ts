// Carts over real HTTP: create (the docs' six-item example), get, update, validation and the service's error bodies.
import { ACCESS_LTSC_2021, BUILT_IN_CUSTOMERS, RESERVED_VM_1Y, startPartnerCenterSimulator, type PartnerCenterSimulator } from '../../../local/partner-center-simulator';
import { AZURE_PLAN, CUSTOMER, DOCS_CART_REQUEST, GUID, NCE_M365_E3, OTHER_CUSTOMER, SAAS, clientFor, line, startSimulator, type SimulatorClient } from './simulatorClient';

let sim: PartnerCenterSimulator;
let client: SimulatorClient;

beforeAll(async () => ({ sim, client } = await startSimulator()));
afterAll(() => sim.stop());
beforeEach(() => sim.controls.reset());

describe('create cart', () => {
  it('turns the docs six-item request into a 201 cart with the documented shape and order groups', async () => {
    const reply = await client.createCart(DOCS_CART_REQUEST);

    expect(reply.status).toBe(201);
    const cart = reply.body;
    expect(cart.id).toMatch(GUID);
    expect(cart.status).toBe('Active');
    expect(cart.attributes).toEqual({ objectType: 'Cart' });
    expect(cart.links.self).toEqual({ uri: `/customers/${CUSTOMER}/carts/${cart.id}`, method: 'GET', headers: [] });
    expect(Date.parse(cart.expirationTimestamp) - Date.parse(cart.creationTimestamp)).toBe(7 * 24 * 3600 * 1000);
    expect(cart.lastModifiedTimestamp).toBe(cart.creationTimestamp);
    expect(cart.lineItems.map((i: { id: number }) => i.id)).toEqual([0, 1, 2, 3, 4, 5]);
    // The docs' response: legacy Azure "OMS-0"; RIs + perpetual software "0"; SaaS "1"; SaaS trial "2".
    expect(cart.lineItems.map((i: { orderGroup: string }) => i.orderGroup)).toEqual(['OMS-0', '0', '0', '0', '1', '2']);
    expect(cart.lineItems.every((i: { currencyCode: string; error?: unknown }) => i.currencyCode === 'USD' && i.error === undefined)).toBe(true);
    expect(cart.lineItems[1].provisioningContext).toEqual({ subscriptionId: '1C461A25-F729-4FA5-AADB-280947DD05E8', scope: 'shared' });
    expect(cart.lineItems[5]).toMatchObject({ billingCycle: 'none', termDuration: 'P1M', quantity: 10, renewsTo: { termDuration: 'P1Y' } });
    expect(sim.controls.counts(CUSTOMER)).toMatchObject({ carts: 1, orders: 0 });
  });

  it('accepts the PascalCase new-commerce request of the docs and answers camelCase with lowercase enums', async () => {
    const reply = await client.createCart({ LineItems: [{ CatalogItemId: 'CFQ7TTC0LFLZ:0002:CFQ7TTC0K4TS', Quantity: 1, TermDuration: 'P1M', BillingCycle: 'Monthly' }] });

    expect(reply.status).toBe(201);
    expect(reply.body.lineItems[0]).toMatchObject({ id: 0, catalogItemId: 'CFQ7TTC0LFLZ:0002:CFQ7TTC0K4TS', billingCycle: 'monthly', termDuration: 'P1M', orderGroup: '0' });
    expect(reply.body.lineItems[0].pricing).toEqual({ listPrice: 22, discountedPrice: 22, proratedPrice: 22, price: 22, extendedPrice: 22 });
  });

  it('puts an Azure plan in its own group and splits billing cycles into groups', async () => {
    const reply = await client.createCart({ lineItems: [line(AZURE_PLAN, 'monthly'), line(NCE_M365_E3, 'monthly', 'P1Y'), line(NCE_M365_E3, 'annual', 'P1Y'), line(NCE_M365_E3, 'monthly', 'P1M')] });

    expect(reply.body.lineItems.map((i: { orderGroup: string }) => i.orderGroup)).toEqual(['0', '1', '2', '1']);
  });

  it('returns invalid line items inside the 201 with a CartError and no order group', async () => {
    const reply = await client.createCart({
      lineItems: [line(NCE_M365_E3, 'monthly', 'P1Y'), line('NOPE:0001:NOPE', 'monthly', 'P1M'), { catalogItemId: NCE_M365_E3, quantity: 0, billingCycle: 'monthly', termDuration: 'P1Y' }, line(NCE_M365_E3, 'one_time', 'P1Y')],
    });

    expect(reply.status).toBe(201);
    const [good, unknown, zero, wrongPlan] = reply.body.lineItems;
    expect(good.error).toBeUndefined();
    expect(good.orderGroup).toBe('0');
    expect(unknown.error).toEqual({ errorCode: 10001, errorDescription: 'The catalog item ID "NOPE:0001:NOPE" is not valid.', additionalInformation: {} });
    expect(unknown.orderGroup).toBeUndefined();
    expect(zero.error.errorCode).toBe(10010);
    expect(zero.error.errorDescription).toContain('quantity');
    expect(wrongPlan.error.errorCode).toBe(10013);
    expect(wrongPlan.error.errorDescription).toContain('one_time');
  });

  it('refuses a known product with an availability, SKU or bare product id the catalog does not sell (10001), and its checkout (400/800009)', async () => {
    // The catalog sells DG7GMGF0D7FV (Access LTSC 2021) only as ACCESS_LTSC_2021; the service matches the whole id.
    const madeUp = ['DG7GMGF0D7FV:0001:DG7GMGF0D7XX', 'DG7GMGF0D7FV:0009:DG7GMGF0D9ZP', 'DG7GMGF0D7FV', 'CFQ7TTC0LF8S:0001:CFQ7TTC0VZW6'];
    const reply = await client.createCart({ lineItems: [line(ACCESS_LTSC_2021, 'one_time'), ...madeUp.map((id) => line(id, 'one_time'))] });

    expect(reply.status).toBe(201);
    const [sold, ...refused] = reply.body.lineItems;
    expect([sold.catalogItemId, sold.error, sold.orderGroup]).toEqual([ACCESS_LTSC_2021, undefined, '0']);
    expect(refused.map((l: { catalogItemId: string; error: { errorCode: number; errorDescription: string }; orderGroup?: string }) => [l.catalogItemId, l.error.errorCode, l.error.errorDescription, l.orderGroup])).toEqual(
      madeUp.map((id) => [id, 10001, `The catalog item ID "${id}" is not valid.`, undefined]),
    );

    const checkout = await client.checkout(reply.body.id);
    expect([checkout.status, checkout.body.code]).toEqual([400, 800009]);
    expect(checkout.body.description).toContain('line item 1 (DG7GMGF0D7FV:0001:DG7GMGF0D7XX): CatalogItemIdIsNotValid');
    expect(sim.controls.counts().orders).toBe(0);
  });

  it('writes line-item error codes as snake_case strings when configured', async () => {
    sim.controls.setKnobs({ lineItemErrorCodeFormat: 'snake_case' });
    const reply = await client.createCart({ lineItems: [line('NOPE:0001:NOPE', 'monthly', 'P1M'), line(NCE_M365_E3, 'weekly', 'P1M')] });

    expect(reply.body.lineItems.map((i: { error: { errorCode: string } }) => i.error.errorCode)).toEqual(['catalog_item_id_is_not_valid', 'invalid_input']);
  });

  it.each([
    ['P1M', 'annual', 900270, 'cannot be longer than the term'],
    ['P1Y', 'triennial', 900270, 'cannot be longer than the term'],
    ['P3Y', 'biennial', 900269, 'billing cycle is invalid'],
  ])('rejects term %s with billing %s as 400/%i', async (term, cycle, code, text) => {
    const reply = await client.createCart({ lineItems: [line(NCE_M365_E3, cycle, term)] });

    expect(reply.status).toBe(400);
    expect(reply.body.code).toBe(code);
    expect(reply.body.description).toContain(text);
    expect(reply.body.description).toContain('line item 0');
    expect(sim.controls.counts().carts).toBe(0);
  });

  it.each([
    ['P1M', 'monthly'],
    ['P1Y', 'monthly'],
    ['P1Y', 'annual'],
    ['P3Y', 'monthly'],
    ['P3Y', 'annual'],
    ['P3Y', 'triennial'],
  ])('accepts the documented combination %s + %s', async (term, cycle) => {
    const reply = await client.createCart({ lineItems: [line(NCE_M365_E3, cycle, term)] });

    expect(reply.status).toBe(201);
    expect(reply.body.lineItems[0].error).toBeUndefined();
  });

  it('uses the configured cart lifetime', async () => {
    sim.controls.setKnobs({ cartTtlMs: '15m' } as never);
    const reply = await client.createCart({ lineItems: [line(NCE_M365_E3, 'monthly', 'P1M')] });

    expect(Date.parse(reply.body.expirationTimestamp) - Date.parse(reply.body.creationTimestamp)).toBe(15 * 60 * 1000);
  });

  it.each([
    ['malformed JSON', '{"lineItems": [', 'not valid JSON'],
    ['an empty body', '', 'body is empty'],
    ['no lineItems', '{"items": []}', '"lineItems" must be a non-empty array'],
    ['empty lineItems', '{"lineItems": []}', '"lineItems" must be a non-empty array'],
    ['a non-object line item', '{"lineItems": [42]}', 'lineItems[0] must be an object'],
  ])('answers 400/800002 naming the problem for %s', async (_case, raw, text) => {
    const reply = await client.call('POST', '/carts', undefined, { raw });

    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ code: 800002, data: [] });
    expect(reply.body.description).toContain(text);
  });

  it('requires the customer id to be a GUID (400/2000)', async () => {
    const reply = await client.call('POST', '/v1/customers/not-a-guid/carts', { lineItems: [line(NCE_M365_E3, 'monthly', 'P1M')] });

    expect(reply.status).toBe(400);
    expect(reply.body.code).toBe(2000);
    expect(reply.body.description).toContain('must be a GUID');
  });
});

describe('get and update cart', () => {
  it('gets a cart by id, case-insensitively, and 404/800008 for an unknown id', async () => {
    const created = (await client.createCart({ lineItems: [line(NCE_M365_E3, 'monthly', 'P1M')] })).body;

    const got = await client.getCart(created.id.toUpperCase());
    const missing = await client.getCart('3e22b548-647d-4223-9675-1fcb6cb57665');

    expect(got.status).toBe(200);
    expect(got.body).toEqual(created);
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe(800008);
    expect(missing.body.description).toContain('3e22b548-647d-4223-9675-1fcb6cb57665');
  });

  it('replaces the line items with PUT and keeps the expiry', async () => {
    const created = (await client.createCart({ lineItems: [line('NOPE:1:1', 'monthly', 'P1M')] })).body;
    sim.controls.advanceClock('1h');

    const updated = await client.updateCart(created.id, { ...created, lineItems: [line(NCE_M365_E3, 'annual', 'P1Y', { quantity: 5 })] });

    expect(updated.status).toBe(201);
    expect(updated.body.lineItems).toHaveLength(1);
    expect(updated.body.lineItems[0]).toMatchObject({ catalogItemId: NCE_M365_E3, quantity: 5, billingCycle: 'annual', orderGroup: '0' });
    expect(updated.body.expirationTimestamp).toBe(created.expirationTimestamp);
    expect(Date.parse(updated.body.lastModifiedTimestamp) - Date.parse(created.lastModifiedTimestamp)).toBeGreaterThanOrEqual(3600_000);
    expect((await client.getCart(created.id)).body.lineItems[0].quantity).toBe(5);
  });

  it('refuses to update an ordered cart (400/800065) or an expired one (400/800002)', async () => {
    const ordered = (await client.createCart({ lineItems: [line(NCE_M365_E3, 'monthly', 'P1M')] })).body;
    await client.checkout(ordered.id);
    const stale = (await client.createCart({ lineItems: [line(NCE_M365_E3, 'monthly', 'P1M')] })).body;
    sim.controls.advanceClock('8d');

    const onOrdered = await client.updateCart(ordered.id, ordered);
    const onExpired = await client.updateCart(stale.id, stale);

    expect([onOrdered.status, onOrdered.body.code]).toEqual([400, 800065]);
    expect([onExpired.status, onExpired.body.code]).toEqual([400, 800002]);
    expect(onExpired.body.description).toContain('expired');
  });
});

describe('routing and headers', () => {
  it('echoes MS-RequestId and MS-CorrelationId and adds MS-CV and MS-ServerId', async () => {
    const reply = await client.createCart({ lineItems: [line(NCE_M365_E3, 'monthly', 'P1M')] }, { requestId: 'req-1', correlationId: 'corr-1' });

    expect(reply.headers.get('ms-requestid')).toBe('req-1');
    expect(reply.headers.get('ms-correlationid')).toBe('corr-1');
    expect(reply.headers.get('ms-cv')).toMatch(/^\S+\.0$/);
    expect(reply.headers.get('ms-serverid')).toBe('000001');
    expect(reply.headers.get('content-type')).toBe('application/json; charset=utf-8');
  });

  it('generates request and correlation ids when the client sends none', async () => {
    const reply = await client.getCart('3e22b548-647d-4223-9675-1fcb6cb57665');

    expect(reply.headers.get('ms-requestid')).toMatch(GUID);
    expect(reply.headers.get('ms-correlationid')).toMatch(GUID);
  });

  it('answers 404 for unknown paths and 405 for a wrong method, with the error body', async () => {
    const unknown = await client.call('GET', '/v1/customers/28045616-f6b9-462f-9701-0d89b5e65c44/subscriptions');
    const wrongMethod = await client.call('DELETE', '/carts/3e22b548-647d-4223-9675-1fcb6cb57665');

    expect(unknown.status).toBe(404);
    expect(unknown.body.description).toContain('no Partner Center endpoint matches GET');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET, PUT');
  });
});

describe('stricter line-item checks, each with its documented code inside the 201', () => {
  const W365_HYBRID = '5f3a7cd2-c76f-4b21-9ddc-f48f09869cf6';
  const errorOf = async (item: unknown) => (await client.createCart({ lineItems: [item] })).body.lineItems[0].error;

  it('requires attestationAccepted for an item that enforces attestation (10012), and takes it when given', async () => {
    expect(await errorOf(line(W365_HYBRID, 'monthly'))).toMatchObject({ errorCode: 10012, errorDescription: expect.stringContaining("Attestation hasn't been accepted") });
    expect(await errorOf(line(W365_HYBRID, 'monthly', undefined, { AttestationAccepted: true }))).toBeUndefined();
  });

  it('refuses more seats than an item allows per subscription (10015, with availableQuantity)', async () => {
    sim.controls.setCatalogItem(NCE_M365_E3, {}, { maxSeatsPerSubscription: 25 });
    expect(await errorOf(line(NCE_M365_E3, 'monthly', 'P1Y', { quantity: 26 }))).toEqual({
      errorCode: 10015,
      errorDescription: expect.stringContaining('26 requested, at most 25'),
      additionalInformation: { availableQuantity: 25, purchasedQuantity: 0 },
    });
    expect(await errorOf(line(NCE_M365_E3, 'monthly', 'P1Y', { quantity: 25 }))).toBeUndefined();
  });

  it('refuses a promotion the item is not eligible for (10014) and takes an eligible one', async () => {
    const promotion = '39NFJQT1PHSN:0008:39NFJQT1Q5J0';
    expect(await errorOf(line(NCE_M365_E3, 'monthly', 'P1Y', { promotionId: promotion }))).toMatchObject({ errorCode: 10014 });
    sim.controls.setCatalogItem(NCE_M365_E3, {}, { promotionIds: [promotion] });
    expect(await errorOf(line(NCE_M365_E3, 'monthly', 'P1Y', { promotionId: promotion }))).toBeUndefined();
  });

  it('refuses participants for a partner that may not name resellers (10004) when participantsSupported is off', async () => {
    const withReseller = line(NCE_M365_E3, 'monthly', 'P1Y', { participants: [{ key: 'transaction_reseller', value: '5357564' }] });
    expect(await errorOf(withReseller)).toBeUndefined();
    sim.controls.setKnobs({ participantsSupported: false });
    expect(await errorOf(withReseller)).toMatchObject({ errorCode: 10004 });
  });

  describe("a reservation's provisioningVariables (subscriptionId, scope)", () => {
    const SUBSCRIPTION = '1C461A25-F729-4FA5-AADB-280947DD05E8';
    const reservation = (provisioningContext?: Record<string, string>) => line(RESERVED_VM_1Y, 'one_time', 'P1Y', provisioningContext ? { provisioningContext } : {});

    it('gives a line without subscriptionId the documented 900313 as its error; the other lines are unaffected and checkout answers 800009', async () => {
      const reply = await client.createCart({ lineItems: [line(NCE_M365_E3, 'monthly', 'P1Y'), reservation({ scope: 'shared' })] });

      expect(reply.status).toBe(201);
      expect(reply.body.lineItems[0].error).toBeUndefined();
      expect(reply.body.lineItems[0].orderGroup).toBe('0');
      expect(reply.body.lineItems[1].error).toEqual({
        errorCode: 900313,
        errorDescription: 'Entitlement ID (Azure subscription ID) in the provisioning context is required for the transaction: line item 1 (DZH318Z0BQ36:004G:DZH318Z08C0S) has no provisioningContext.subscriptionId.',
        additionalInformation: {},
      });
      expect(reply.body.lineItems[1].orderGroup).toBeUndefined();
      const checkout = await client.checkout(reply.body.id);
      expect([checkout.status, checkout.body.code, checkout.body.description]).toEqual([400, 800009, expect.stringContaining('line item 1 (DZH318Z0BQ36:004G:DZH318Z08C0S): 900313')]);
      expect(sim.controls.counts(CUSTOMER)).toMatchObject({ carts: 1, checkouts: 0, orders: 0 });
    });

    it('keeps 900313 a number in the snake_case format (no CartErrorCode name exists for it)', async () => {
      sim.controls.setKnobs({ lineItemErrorCodeFormat: 'snake_case' });
      expect(await errorOf(reservation())).toMatchObject({ errorCode: 900313 });
    });

    it('answers 900312 for a scope other than Single/Shared, InvalidInput naming a missing scope, and takes either case', async () => {
      expect(await errorOf(reservation({ subscriptionId: SUBSCRIPTION, scope: 'everywhere' }))).toMatchObject({
        errorCode: 900312,
        errorDescription: expect.stringMatching(/^The selected scope 'everywhere' in the provisioning context is not supported/),
      });
      expect(await errorOf(reservation({ subscriptionId: SUBSCRIPTION }))).toMatchObject({ errorCode: 10010, errorDescription: expect.stringContaining('provisioningContext.scope is required') });
      expect(await errorOf(reservation({ SubscriptionId: SUBSCRIPTION, Scope: 'Single' }))).toBeUndefined();
    });

    it("refuses the whole create or update with 400/900313 when provisioningContextErrors is 'request'", async () => {
      sim.controls.setKnobs({ provisioningContextErrors: 'request' });
      const created = await client.createCart({ lineItems: [line(NCE_M365_E3, 'monthly', 'P1Y'), reservation({ scope: 'shared' })] });
      expect([created.status, created.body.code, created.body.description]).toEqual([400, 900313, expect.stringContaining('line item 1 (DZH318Z0BQ36:004G:DZH318Z08C0S)')]);
      expect(sim.controls.counts(CUSTOMER)).toMatchObject({ carts: 0 });

      const cart = (await client.createCart({ lineItems: [reservation({ subscriptionId: SUBSCRIPTION, scope: 'shared' })] })).body;
      const updated = await client.updateCart(cart.id, { ...cart, lineItems: [reservation({ subscriptionId: SUBSCRIPTION })] });
      expect([updated.status, updated.body.code]).toEqual([400, 800002]);
      expect(updated.body.description).toMatch(/^Invalid request input: provisioningContext\.scope is required/);
    });

    it('applies provisioningVariables set on another item at run time, and rejects a bad definition naming the field', async () => {
      sim.controls.setCatalogItem(NCE_M365_E3, {}, { provisioningVariables: ['subscriptionId'] });
      expect(await errorOf(line(NCE_M365_E3, 'monthly', 'P1Y'))).toMatchObject({ errorCode: 900313 });
      expect(() => sim.controls.setCatalogItem(NCE_M365_E3, {}, { provisioningVariables: 'subscriptionId' } as never)).toThrow(/provisioningVariables: expected an array/);
    });
  });

  it('by default answers 400/900206 at checkout of a cart naming a reseller without the partner attestation, and not of one without participants', async () => {
    expect(sim.controls.knobs().requirePartnerAttestation).toBe('withParticipants');
    const withReseller = line(NCE_M365_E3, 'monthly', 'P1Y', { participants: [{ key: 'transaction_reseller', value: '5357564' }] });
    const indirect = (await client.createCart({ lineItems: [line(SAAS, 'monthly', 'P1M'), withReseller] })).body;
    const refused = await client.checkout(indirect.id);
    expect([refused.status, refused.body.code, refused.body.description]).toEqual([400, 900206, `Partner Attestation is missing: cart ${indirect.id} was created without PartnerOnRecordAttestationAccepted: true and names a reseller (participants).`]);
    expect(sim.controls.counts(CUSTOMER)).toMatchObject({ checkouts: 0, orders: 0 });

    const direct = (await client.createCart({ lineItems: [line(NCE_M365_E3, 'monthly', 'P1Y')] })).body;
    expect((await client.checkout(direct.id)).status).toBe(201);
    const attested = (await client.createCart({ partnerOnRecordAttestationAccepted: true, lineItems: [withReseller] })).body;
    expect((await client.checkout(attested.id)).status).toBe(201);
  });

  it("checks out a cart naming a reseller without the attestation when requirePartnerAttestation is 'never' (false)", async () => {
    sim.controls.setKnobs({ requirePartnerAttestation: false });
    expect(sim.controls.knobs().requirePartnerAttestation).toBe('never');
    const cart = (await client.createCart({ lineItems: [line(NCE_M365_E3, 'monthly', 'P1Y', { participants: [{ key: 'transaction_reseller', value: '5357564' }] })] })).body;
    expect((await client.checkout(cart.id)).status).toBe(201);
    expect(() => sim.controls.setKnobs({ requirePartnerAttestation: 'sometimes' } as never)).toThrow(/requirePartnerAttestation: expected one of "never", "withParticipants", "always"/);
  });

  it("answers 400/900206 at checkout of any cart without the attestation when requirePartnerAttestation is 'always' (true)", async () => {
    sim.controls.setKnobs({ requirePartnerAttestation: true });
    const without = (await client.createCart({ lineItems: [line(NCE_M365_E3, 'monthly', 'P1Y')] })).body;
    const refused = await client.checkout(without.id);
    expect([refused.status, refused.body.code, refused.body.description]).toEqual([400, 900206, expect.stringContaining('Partner Attestation is missing')]);
    const attested = (await client.createCart({ PartnerOnRecordAttestationAccepted: true, lineItems: [line(NCE_M365_E3, 'monthly', 'P1Y')] })).body;
    expect((await client.checkout(attested.id)).status).toBe(201);
  });
});

describe('who may call for which customer', () => {
  const STRANGER = '9b1f3c2a-5d4e-4f60-8a7b-1c2d3e4f5a6b';

  it('answers 404/60003 for a customer id that is no tenant and 403/20002 for a tenant without a reseller relationship', async () => {
    sim.controls.setKnobs({ knownCustomers: [CUSTOMER.toUpperCase()], otherTenants: [OTHER_CUSTOMER] });
    const cart = { lineItems: [line(NCE_M365_E3, 'monthly', 'P1Y')] };

    expect((await client.createCart(cart)).status).toBe(201);
    const unknown = clientFor(sim, STRANGER);
    for (const reply of [await unknown.createCart(cart), await unknown.listOrders()]) {
      expect([reply.status, reply.body]).toEqual([404, { code: 60003, description: 'Tenant not found', data: [], source: 'PartnerFD' }]);
    }
    const noRelationship = clientFor(sim, OTHER_CUSTOMER);
    for (const reply of [await noRelationship.createCart(cart), await noRelationship.getOrder('a68736758d9c')]) {
      expect([reply.status, reply.body]).toEqual([403, { code: 20002, description: 'No relationship between caller and account.', data: [], source: 'PartnerFD' }]);
    }
    expect(sim.controls.counts()).toMatchObject({ carts: 1 });
  });

  describe('by default (no knobs): only the built-in customers exist, as in the service (error-codes.md 60003)', () => {
    let strict: PartnerCenterSimulator;
    beforeAll(async () => (strict = await startPartnerCenterSimulator({ port: 0 })));
    afterAll(() => strict.stop());
    beforeEach(() => strict.controls.reset());
    const NOT_FOUND = { code: 60003, description: 'Tenant not found', data: [], source: 'PartnerFD' };
    const cart = { lineItems: [line(NCE_M365_E3, 'monthly', 'P1Y')] };

    it('refuses an unregistered GUID with 404/60003 and creates nothing; the sample order\'s customer is built in', async () => {
      expect(strict.controls.knobs().knownCustomers).toEqual([...BUILT_IN_CUSTOMERS]);
      expect(BUILT_IN_CUSTOMERS).toContain('4a2d5f3e-8b1c-4c7d-9e0f-1a2b3c4d5e6f');
      const refused = await clientFor(strict, STRANGER).createCart(cart);
      expect([refused.status, refused.body]).toEqual([404, NOT_FOUND]);
      expect(strict.controls.counts()).toMatchObject({ carts: 0 });
      expect((await clientFor(strict, '4A2D5F3E-8B1C-4C7D-9E0F-1A2B3C4D5E6F').createCart(cart)).status).toBe(201);
    });

    it('admits a customer registered through POST /_simulator/customers, until reset', async () => {
      const control = clientFor(strict);
      const added = await control.control('POST', '/customers', { customerIds: [STRANGER.toUpperCase()] });
      expect([added.status, added.body]).toEqual([200, { knownCustomers: [...BUILT_IN_CUSTOMERS, STRANGER] }]);
      expect((await control.control('GET', '/customers')).body).toEqual({ knownCustomers: [...BUILT_IN_CUSTOMERS, STRANGER] });
      expect((await clientFor(strict, STRANGER).createCart(cart)).status).toBe(201);
      // A second registration of the same customer adds nothing.
      expect(strict.controls.addCustomers([STRANGER])).toEqual([...BUILT_IN_CUSTOMERS, STRANGER]);

      strict.controls.reset();
      expect((await clientFor(strict, STRANGER).createCart(cart)).status).toBe(404);
    });

    it('answers 400 naming customerIds for a registration that is not a list of GUIDs, and adds nothing', async () => {
      for (const body of [{ customerIds: ['not-a-guid'] }, { customerIds: STRANGER }, {}]) {
        const reply = await clientFor(strict).control('POST', '/customers', body);
        expect(reply.status).toBe(400);
        expect(reply.body.data).toEqual([expect.stringMatching(/^customerIds: expected an array of customer GUIDs, got /)]);
      }
      expect(strict.controls.knobs().knownCustomers).toEqual([...BUILT_IN_CUSTOMERS]);
    });

    it('leaves the lenient mode (knownCustomers null) lenient: registering answers null', async () => {
      // The lenient mode on purpose: a registration must not switch it to a one-customer list.
      strict.controls.setKnobs({ knownCustomers: null });
      expect(strict.controls.addCustomers([STRANGER])).toBeNull();
      expect((await clientFor(strict, OTHER_CUSTOMER).createCart(cart)).status).toBe(201);
    });
  });

  it('admits the customers a customerDirectory option knows, across reset, and still refuses the rest', async () => {
    const directory = new Set([STRANGER]);
    const withDirectory = await startPartnerCenterSimulator({ port: 0, customerDirectory: (id) => directory.has(id) });
    try {
      const cart = { lineItems: [line(NCE_M365_E3, 'monthly', 'P1Y')] };
      expect((await clientFor(withDirectory, STRANGER.toUpperCase()).createCart(cart)).status).toBe(201);
      withDirectory.controls.reset();
      expect((await clientFor(withDirectory, STRANGER).createCart(cart)).status).toBe(201);
      expect((await clientFor(withDirectory, OTHER_CUSTOMER).createCart(cart)).body.code).toBe(60003);
      // otherTenants wins over the directory: a tenant without a relationship is refused whoever lists it.
      withDirectory.controls.setKnobs({ otherTenants: [STRANGER] });
      expect((await clientFor(withDirectory, STRANGER).createCart(cart)).body.code).toBe(20002);
    } finally {
      await withDirectory.stop();
    }
  });

  it('refuses a tenant in otherTenants even in the lenient mode, where every other GUID is a customer (knownCustomers null)', async () => {
    // The lenient mode on purpose: otherTenants must still refuse when every GUID is a customer.
    sim.controls.setKnobs({ knownCustomers: null, otherTenants: [OTHER_CUSTOMER] });
    expect((await clientFor(sim, STRANGER).createCart({ lineItems: [line(NCE_M365_E3, 'monthly', 'P1Y')] })).status).toBe(201);
    expect((await clientFor(sim, OTHER_CUSTOMER).listOrders()).body.code).toBe(20002);
  });

  it.each([
    ['insufficientPrivileges', 900308, 'Insufficient privileges'],
    ['appOnlyAuthentication', 900329, 'This resource does not support application-only authentication.'],
  ] as const)('answers 403/%s on every customer route while accessDenied is set, and nothing is created', async (mode, code, description) => {
    sim.controls.setKnobs({ accessDenied: mode });
    const replies = [await client.createCart({ lineItems: [line(NCE_M365_E3, 'monthly', 'P1Y')] }), await client.listOrders(), await client.getCart('b0a8b3a1-7f5e-4c55-9f0a-7e5f0d1c2b3a')];
    for (const reply of replies) expect([reply.status, reply.body]).toEqual([403, { code, description, data: [], source: 'PartnerFD' }]);
    expect(sim.controls.counts(CUSTOMER)).toMatchObject({ carts: 0 });
    // The control API is not the service: still answers, and switching the knob off lets the caller in.
    expect((await client.control('PATCH', '/knobs', { accessDenied: null })).status).toBe(200);
    expect((await client.createCart({ lineItems: [line(NCE_M365_E3, 'monthly', 'P1Y')] })).status).toBe(201);
  });

  it('names each bad customer or access knob', () => {
    expect(() => sim.controls.setKnobs({ otherTenants: ['not-a-guid'] })).toThrow(/otherTenants: expected an array of customer GUIDs/);
    expect(() => sim.controls.setKnobs({ knownCustomers: 'all' })).toThrow(/knownCustomers: expected null or an array of customer GUIDs/);
    expect(() => sim.controls.setKnobs({ accessDenied: 'sometimes' })).toThrow(/accessDenied: expected null, "insufficientPrivileges" or "appOnlyAuthentication"/);
  });
});

describe('quantity limits of an offer', () => {
  it('fails a create or update with a quantity outside the offer minimum and maximum with 400/900275 naming the line', async () => {
    sim.controls.setCatalogItem(NCE_M365_E3, {}, { minQuantity: 5, maxQuantity: 300 });

    const tooFew = await client.createCart({ lineItems: [line(AZURE_PLAN, 'monthly'), line(NCE_M365_E3, 'monthly', 'P1Y', { quantity: 4 })] });
    expect([tooFew.status, tooFew.body.code]).toEqual([400, 900275]);
    expect(tooFew.body.description).toBe(`The requested quantity for line item 1 is not within the allowed quantity for this offer: 4 requested, 5 to 300 allowed for ${NCE_M365_E3}.`);
    expect(sim.controls.counts(CUSTOMER)).toMatchObject({ carts: 0 });

    const cart = await client.createCart({ lineItems: [line(NCE_M365_E3, 'monthly', 'P1Y', { quantity: 300 })] });
    expect(cart.status).toBe(201);
    const tooMany = await client.updateCart(cart.body.id, { lineItems: [line(NCE_M365_E3, 'monthly', 'P1Y', { quantity: 301 })] });
    expect([tooMany.status, tooMany.body.code]).toEqual([400, 900275]);
    expect(tooMany.body.description).toMatch(/^The requested quantity for line item 0 is not within the allowed quantity for this offer: 301 requested/);
  });

  it('names bad quantity limits in a catalog change', () => {
    expect(() => sim.controls.setCatalogItem(NCE_M365_E3, {}, { minQuantity: 0 })).toThrow(/minQuantity: expected a whole number ≥ 1 or null/);
    expect(() => sim.controls.setCatalogItem(NCE_M365_E3, {}, { minQuantity: 10, maxQuantity: 5 })).toThrow(/minQuantity: 10 is above maxQuantity 5/);
  });
});
