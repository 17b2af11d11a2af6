import { validateOrderRequest, type FieldError } from '../../../shared/orders';
import { CUSTOMER_ID, M365_E3, docsCreateCartOrder, docsPascalCaseOrder, validOrder } from '../../fixtures/orders/requests';

function errorsFor(body: unknown): FieldError[] {
  const result = validateOrderRequest(body);
  if (result.ok) throw new Error('expected the request to be rejected');
  return result.errors;
}

const withItem = (item: Record<string, unknown>) => ({
  orderId: 'SO-1',
  customerId: CUSTOMER_ID,
  lineItems: [{ catalogItemId: M365_E3, quantity: 1, billingCycle: 'monthly', termDuration: 'P1M', ...item }],
});

describe('validateOrderRequest accepts', () => {
  test('a complete valid order and returns it normalised', () => {
    const result = validateOrderRequest({
      ...validOrder(),
      customerId: CUSTOMER_ID.toUpperCase(),
      lineItems: [
        {
          catalogItemId: M365_E3.toLowerCase(),
          quantity: 3,
          billingCycle: 'Annual',
          termDuration: 'P3Y',
          renewsTo: { termDuration: 'P1Y' },
          promotionId: '39NFJQT1PHSN:0008:39NFJQT1Q5J0',
          provisioningContext: { scope: 'shared' },
          participants: [{ key: 'transaction_reseller', value: '1234567' }],
        },
      ],
    });
    expect(result).toEqual({
      ok: true,
      request: {
        orderId: 'SO-10001',
        customerId: CUSTOMER_ID,
        lineItems: [
          {
            catalogItemId: M365_E3,
            quantity: 3,
            billingCycle: 'annual',
            termDuration: 'P3Y',
            renewsTo: { termDuration: 'P1Y' },
            promotionId: '39NFJQT1PHSN:0008:39NFJQT1Q5J0',
            provisioningContext: { scope: 'shared' },
            participants: [{ key: 'transaction_reseller', value: '1234567' }],
          },
        ],
      },
    });
  });

  test.each([
    ['P1M', 'monthly'],
    ['P1Y', 'monthly'],
    ['P1Y', 'annual'],
    ['P3Y', 'monthly'],
    ['P3Y', 'annual'],
    ['P3Y', 'triennial'],
    ['P1Y', 'one_time'],
    ['P1M', 'none'],
  ])('termDuration %s with billingCycle %s', (termDuration, billingCycle) => {
    expect(validateOrderRequest(withItem({ termDuration, billingCycle })).ok).toBe(true);
  });

  test('one_time and monthly items without a term (perpetual software, Azure plan)', () => {
    expect(validateOrderRequest(withItem({ termDuration: undefined, billingCycle: 'one_time' })).ok).toBe(true);
    expect(validateOrderRequest(withItem({ termDuration: undefined, billingCycle: 'monthly' })).ok).toBe(true);
  });
});

describe('validateOrderRequest rejects, naming the field', () => {
  test.each<[string, unknown, string, RegExp]>([
    ['a non-object body', 'hello', '(body)', /JSON object/],
    ['an array body', [], '(body)', /JSON object/],
    ['a missing orderId', { customerId: CUSTOMER_ID, lineItems: validOrder().lineItems }, 'orderId', /must be a string/],
    ['an empty orderId', { ...validOrder(), orderId: '  ' }, 'orderId', /must not be empty/],
    ['a long orderId', { ...validOrder(), orderId: 'x'.repeat(101) }, 'orderId', /at most 100 characters/],
    ['an orderId with control characters', { ...validOrder(), orderId: 'SO\n1' }, 'orderId', /control characters/],
    ['the orderId "."', { ...validOrder(), orderId: '.' }, 'orderId', /must not be "." or ".."/],
    ['the orderId ".."', { ...validOrder(), orderId: '..' }, 'orderId', /must not be "." or ".."/],
    ['a customerId that is not a GUID', { ...validOrder(), customerId: 'contoso' }, 'customerId', /GUID/],
    ['no line items', { ...validOrder(), lineItems: [] }, 'lineItems', /1 to 100 line items \(got 0 items\)/],
    ['too many line items', { ...validOrder(), lineItems: Array(101).fill(validOrder().lineItems[0]) }, 'lineItems', /got 101 items/],
    ['lineItems not an array', { ...validOrder(), lineItems: {} }, 'lineItems', /got an object/],
    ['an unknown top-level field', { ...validOrder(), customer: 'x' }, 'customer', /not a known field/],
    ['a line item that is not an object', { ...validOrder(), lineItems: [42] }, 'lineItems[0]', /must be an object/],
    ['a malformed catalogItemId', withItem({ catalogItemId: 'CFQ7TTC0LF8S' }), 'lineItems[0].catalogItemId', /productId:skuId:availabilityId/],
    ['a legacy-looking offer id that is not one', withItem({ catalogItemId: 'MS-AZR-145P' }), 'lineItems[0].catalogItemId', /or a legacy offer id such as MS-AZR-0145P/],
    ['quantity 0', withItem({ quantity: 0 }), 'lineItems[0].quantity', /whole number from 1 to 100000 \(got number 0\)/],
    ['a fractional quantity', withItem({ quantity: 1.5 }), 'lineItems[0].quantity', /whole number/],
    ['a quantity as a string', withItem({ quantity: '5' }), 'lineItems[0].quantity', /got "5"/],
    ['a huge quantity', withItem({ quantity: 100_001 }), 'lineItems[0].quantity', /to 100000/],
    ['an unknown billing cycle', withItem({ billingCycle: 'weekly' }), 'lineItems[0].billingCycle', /one of monthly, annual, triennial, one_time, none/],
    ['an unknown term', withItem({ termDuration: 'P2Y' }), 'lineItems[0].termDuration', /one of P1M, P1Y, P3Y/],
    ['annual billing on a monthly term', withItem({ termDuration: 'P1M', billingCycle: 'annual' }), 'lineItems[0].billingCycle', /monthly, none for termDuration P1M/],
    ['triennial billing on a one-year term', withItem({ termDuration: 'P1Y', billingCycle: 'triennial' }), 'lineItems[0].billingCycle', /for termDuration P1Y/],
    ['annual billing without a term', withItem({ termDuration: undefined, billingCycle: 'annual' }), 'lineItems[0].termDuration', /required with billingCycle annual/],
    ['triennial billing without a term', withItem({ termDuration: undefined, billingCycle: 'triennial' }), 'lineItems[0].termDuration', /expected P3Y/],
    ['renewal into a three-year term', withItem({ renewsTo: { termDuration: 'P3Y' } }), 'lineItems[0].renewsTo.termDuration', /one of P1M, P1Y/],
    ['renewal without a term', withItem({ termDuration: undefined, renewsTo: { termDuration: 'P1M' } }), 'lineItems[0].renewsTo.termDuration', /own termDuration/],
    ['renewsTo as a string', withItem({ renewsTo: 'P1Y' }), 'lineItems[0].renewsTo', /must be an object/],
    ['a malformed promotionId', withItem({ promotionId: 'PROMO' }), 'lineItems[0].promotionId', /productId:skuId:availabilityId/],
    ['a friendlyName too long', withItem({ friendlyName: 'n'.repeat(257) }), 'lineItems[0].friendlyName', /at most 256/],
    ['a non-string provisioning value', withItem({ provisioningContext: { duration: 1 } }), 'lineItems[0].provisioningContext.duration', /must be a string/],
    ['provisioningContext as an array', withItem({ provisioningContext: [] }), 'lineItems[0].provisioningContext', /object of string values/],
    ['an unknown participant key', withItem({ participants: [{ key: 'reseller', value: '1' }] }), 'lineItems[0].participants[0].key', /transaction_reseller/],
    ['an empty participant value', withItem({ participants: [{ key: 'transaction_reseller', value: '' }] }), 'lineItems[0].participants[0].value', /PartnerID, 1 to 12 digits/],
    ['a participant value that is not a PartnerID', withItem({ participants: [{ key: 'transaction_reseller', value: 'contoso' }] }), 'lineItems[0].participants[0].value', /PartnerID/],
    ['a reservation scope the docs do not list', withItem({ provisioningContext: { scope: 'everywhere' } }), 'lineItems[0].provisioningContext.scope', /"shared" or "single"/],
    ['a reservation subscriptionId that is not a GUID', withItem({ provisioningContext: { subscriptionId: 'sub-1' } }), 'lineItems[0].provisioningContext.subscriptionId', /subscription GUID/],
    ['a reservation duration the docs do not list', withItem({ provisioningContext: { duration: '2Years' } }), 'lineItems[0].provisioningContext.duration', /"1Year" or "3Years"/],
    ['an attestation that is not a boolean', withItem({ attestationAccepted: 'yes' }), 'lineItems[0].attestationAccepted', /true or false/],
    ['a cart attestation that is not a boolean', { ...validOrder(), partnerOnRecordAttestationAccepted: 1 }, 'partnerOnRecordAttestationAccepted', /true or false/],
    ['a line id that is negative', withItem({ id: -1 }), 'lineItems[0].id', /whole number from 0/],
    ['a customTermEndDate that is not a date', withItem({ customTermEndDate: 'soon' }), 'lineItems[0].customTermEndDate', /ISO 8601/],
    ['one field spelt twice in different case', withItem({ Quantity: 2 }), 'lineItems[0].quantity', /given twice, as "quantity" and "Quantity"/],
    [
      'two transaction resellers',
      withItem({ participants: [{ key: 'transaction_reseller', value: '1' }, { key: 'transaction_reseller', value: '2' }] }),
      'lineItems[0].participants',
      /at most one transaction_reseller/,
    ],
    [
      'six additional resellers',
      withItem({ participants: Array.from({ length: 6 }, (_, i) => ({ key: 'additional_transaction_reseller', value: String(i) })) }),
      'lineItems[0].participants',
      /at most 5 additional/,
    ],
    ['a misspelt line-item field', withItem({ quantiy: 2 }), 'lineItems[0].quantiy', /not a known field/],
  ])('%s', (_name, body, field, message) => {
    const errors = errorsFor(body);
    const match = errors.find((e) => e.field === field);
    expect(match).toBeDefined();
    expect(match?.message).toMatch(message);
  });

  test('reports every problem at once, each under its own field, and keeps the readable ids', () => {
    const result = validateOrderRequest({
      orderId: 'SO-9',
      customerId: CUSTOMER_ID,
      lineItems: [
        { catalogItemId: M365_E3, quantity: 1, billingCycle: 'monthly', termDuration: 'P1M' },
        { catalogItemId: M365_E3, quantity: 1, billingCycle: 'monthly', termDuration: 'P1M' },
        { catalogItemId: 'bad', quantity: -1, billingCycle: 'annual', termDuration: 'P1M' },
      ],
    });
    expect(result).toEqual({
      ok: false,
      claimedOrderId: 'SO-9',
      customerId: CUSTOMER_ID,
      errors: [
        { field: 'lineItems[2].catalogItemId', message: expect.stringMatching(/got "bad"/) },
        { field: 'lineItems[2].quantity', message: expect.stringMatching(/got number -1/) },
        { field: 'lineItems[2].billingCycle', message: expect.stringMatching(/for termDuration P1M \(got annual\)/) },
      ],
    });
  });
});

describe("validateOrderRequest takes what Partner Center's cart takes", () => {
  test("the six-line request of the docs' create-a-cart page: legacy offer, reservations, software, SaaS, trial, line ids", () => {
    const result = validateOrderRequest(docsCreateCartOrder('SO-DOCS'));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.request.lineItems.map((l) => [l.id, l.catalogItemId, l.billingCycle, l.termDuration ?? null])).toEqual([
      [0, 'MS-AZR-0145P', 'monthly', 'P1Y'],
      [1, 'DZH318Z0BQ36:004G:DZH318Z08C0S', 'one_time', 'P1Y'],
      [2, 'DZH318Z0BQ36:004J:DZH318Z08B8X', 'one_time', 'P3Y'],
      [3, 'DG7GMGF0DWTL:0001:DG7GMGF0DSFM', 'one_time', null],
      [4, 'DZH318Z0BXWC:0002:DZH318Z0BMRV', 'monthly', 'P1M'],
      [5, 'DZH318Z0C0WF:0001:DZH318Z0BP69', 'none', 'P1M'],
    ]);
    expect(result.request.lineItems[1].provisioningContext).toEqual({ subscriptionId: '1C461A25-F729-4FA5-AADB-280947DD05E8', scope: 'shared' });
    expect(result.request.lineItems[5].renewsTo).toEqual({ termDuration: 'P1Y' });
  });

  test('a provisioning key "__proto__" is refused by name, not dropped', () => {
    const result = validateOrderRequest(withItem({ provisioningContext: JSON.parse('{"__proto__": "x", "scope": "shared"}') }));
    expect(result).toMatchObject({ ok: false, errors: [{ field: 'lineItems[0].provisioningContext.__proto__', message: 'must not be "__proto__" (not a provisioning variable)' }] });
  });

  test.each(['constructor', 'toString', 'hasOwnProperty'])('a provisioning key named like an Object member (%p) is passed on, never crashes validation', (key) => {
    const context = JSON.parse(`{${JSON.stringify(key)}: "x"}`) as Record<string, string>;
    const result = validateOrderRequest(withItem({ provisioningContext: context }));
    expect(result.ok).toBe(true);
    if (result.ok) expect(Object.entries(result.request.lineItems[0].provisioningContext ?? {})).toEqual([[key, 'x']]);
  });

  test.each([
    [{ SubscriptionId: 'not-a-guid' }, 'lineItems[0].provisioningContext.SubscriptionId', 'must be a subscription GUID'],
    [{ Scope: 'everywhere' }, 'lineItems[0].provisioningContext.Scope', 'must be "shared" or "single" (any case)'],
    [{ DURATION: '2Years' }, 'lineItems[0].provisioningContext.DURATION', 'must be "1Year" or "3Years"'],
  ])('a known provisioning key is checked in any case: %p', (context, field, message) => {
    const result = validateOrderRequest(withItem({ provisioningContext: context }));
    expect(result).toMatchObject({ ok: false, errors: [{ field, message: expect.stringContaining(message) }] });
  });

  test.each(['shared', 'Shared', 'SINGLE', 'single'])('a reservation scope %p is taken in any case and passed on as given', (scope) => {
    const result = validateOrderRequest(withItem({ provisioningContext: { scope } }));
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.request.lineItems[0].provisioningContext).toEqual({ scope });
  });

  test('the PascalCase new-commerce example, with the partner-of-record attestation', () => {
    expect(validateOrderRequest(docsPascalCaseOrder('SO-PASCAL'))).toEqual({
      ok: true,
      request: {
        orderId: 'SO-PASCAL',
        customerId: CUSTOMER_ID,
        partnerOnRecordAttestationAccepted: true,
        lineItems: [{ catalogItemId: 'CFQ7TTC0LFLZ:0002:CFQ7TTC0K4TS', quantity: 1, termDuration: 'P1M', billingCycle: 'monthly' }],
      },
    });
  });

  test("the attestation example's nulls, line attestation, SDK participant names and custom term end date", () => {
    const result = validateOrderRequest(
      withItem({
        renewsTo: null,
        provisioningContext: {},
        customTermEndDate: '2022-02-19T00:00:00Z',
        attestationAccepted: true,
        participants: [{ Key: 'TransactionReseller', Value: 5357564 }, { key: 'additional_transaction_reseller', value: '517285' }],
      }),
    );
    expect(result.ok && result.request.lineItems[0]).toEqual({
      catalogItemId: M365_E3,
      quantity: 1,
      billingCycle: 'monthly',
      termDuration: 'P1M',
      provisioningContext: {},
      customTermEndDate: '2022-02-19T00:00:00Z',
      attestationAccepted: true,
      participants: [
        { key: 'transaction_reseller', value: '5357564' },
        { key: 'additional_transaction_reseller', value: '517285' },
      ],
    });
  });

  test('line ids on every line or none, each used once', () => {
    const twoLines = (a: unknown, b: unknown) => ({ ...validOrder(), lineItems: validOrder().lineItems.map((l, i) => ({ ...l, id: i === 0 ? a : b })) });
    expect(errorsFor(twoLines(3, 3))).toEqual([{ field: 'lineItems[1].id', message: 'must be unique in the order (3 is also lineItems[0].id)' }]);
    expect(errorsFor(twoLines(3, undefined))).toEqual([{ field: 'lineItems', message: 'must give an id on every line item or on none (1 of 2 have one)' }]);
    const result = validateOrderRequest(twoLines('7', 9));
    expect(result.ok && result.request.lineItems.map((l) => l.id)).toEqual([7, 9]);
  });
});

describe('the documented sample order (test/fixtures/orders/sample-order.json)', () => {
  test('is valid, so the README example works', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const sample: unknown = require('../../fixtures/orders/sample-order.json');
    expect(validateOrderRequest(sample)).toEqual({ ok: true, request: validOrder() });
  });
});
