import {
  parseBillingCycle,
  parseCart,
  parseCartErrorCode,
  parseCheckoutResult,
  parseErrorBody,
  parseOrder,
  parseOrderStatus,
  parseRetryAfterSeconds,
  PartnerCenterResponseShapeError,
} from '../../../shared/partner-center/parse';
import { validatePartnerCenterBaseUrl } from '../../../shared/partner-center/client';

describe('lenient Partner Center parsing', () => {
  it.each([
    ['monthly', 'monthly'],
    ['Monthly', 'monthly'],
    ['ONE_TIME', 'one_time'],
    ['OneTime', 'one_time'],
    ['one_time', 'one_time'],
    ['Triennial', 'triennial'],
    ['none', 'none'],
    [4, 'one_time'],
    ['fortnightly', 'unknown'],
  ])('billing cycle %p reads as %p', (wire, expected) => {
    expect(parseBillingCycle(wire)).toBe(expected);
  });

  it.each([
    [10001, 'CatalogItemIdIsNotValid', 10001],
    ['10010', 'InvalidInput', 10010],
    ['catalog_item_id_is_not_valid', 'CatalogItemIdIsNotValid', 10001],
    ['InvalidInput', 'InvalidInput', 10010],
    ['billing_plan_not_supported', 'BillingPlanNotSupported', 10013],
    [424242, 'Unknown', 424242],
    ['no_such_code', 'Unknown', 0],
  ])('line-item error code %p reads as %s (%d)', (wire, name, number) => {
    expect(parseCartErrorCode(wire)).toEqual({ name, number });
  });

  it.each([
    ['completed', 'completed'],
    ['Completed', 'completed'],
    ['PendingPoUpload', 'pending_po_upload'],
    ['pending_po_upload', 'pending_po_upload'],
    ['PO_UPLOAD_COMPLETE', 'po_upload_complete'],
    ['awaiting_moon_phase', 'awaiting_moon_phase'],
  ])('order status %p reads as %p (unknown values preserved)', (wire, expected) => {
    expect(parseOrderStatus(wire)).toBe(expected);
  });

  it('reads a PascalCase cart, ignores unknown fields and normalises line-item errors', () => {
    const cart = parseCart({
      Id: 'c1',
      CreationTimestamp: '2026-01-01T00:00:00Z',
      ExpirationTimestamp: '2026-01-08T00:00:00Z',
      Status: 'active',
      SomethingNew: { nested: true },
      LineItems: [
        { Id: 0, CatalogItemId: 'A:B:C', Quantity: 2, BillingCycle: 'Monthly', TermDuration: 'P1M', OrderGroup: '0' },
        {
          id: 1,
          catalogItemId: 'X:Y:Z',
          quantity: 1,
          billingCycle: 'annual',
          error: { errorCode: 'catalog_item_id_is_not_valid', errorDescription: 'bad id' },
          renewsTo: [{ termDuration: 'P1Y' }],
          provisioningContext: { scope: 'shared', count: 3 },
        },
      ],
    });
    expect(cart.id).toBe('c1');
    expect(cart.status).toBe('Active');
    expect(cart.lineItems).toHaveLength(2);
    expect(cart.lineItems[0]).toMatchObject({ id: 0, catalogItemId: 'A:B:C', quantity: 2, billingCycle: 'monthly', orderGroup: '0' });
    expect(cart.lineItems[1].error).toEqual({ errorCode: 'CatalogItemIdIsNotValid', errorCodeNumber: 10001, errorDescription: 'bad id' });
    expect(cart.lineItems[1].renewsTo).toEqual({ termDuration: 'P1Y' });
    expect(cart.lineItems[1].provisioningContext).toEqual({ scope: 'shared', count: '3' });
    expect(cart).not.toHaveProperty('SomethingNew');
  });

  it('refuses a cart without an id or expiration, naming the field', () => {
    expect(() => parseCart({ expirationTimestamp: 'x', lineItems: [] })).toThrow(PartnerCenterResponseShapeError);
    expect(() => parseCart({ id: 'c', lineItems: [] })).toThrow('cart.expirationTimestamp must be a non-empty string');
  });

  it('reads a checkout result with orders and order errors', () => {
    const result = parseCheckoutResult({
      orders: [{ id: 'a68736758d9c', billingCycle: 'one_time', status: 'Pending', lineItems: [{ lineItemNumber: 0, offerId: 'A:B:C', quantity: 1 }] }],
      orderErrors: [{ orderGroupId: '1', code: '800087', description: 'There is an issue with the line item' }],
    });
    expect(result.orders[0]).toMatchObject({ id: 'a68736758d9c', billingCycle: 'one_time', status: 'pending' });
    expect(result.orderErrors).toEqual([{ orderGroupId: '1', code: 800087, description: 'There is an issue with the line item' }]);
  });

  it('reads a missing array as empty, but refuses a checkout result with neither orders nor order errors: "nothing bought" is never assumed', () => {
    expect(parseCheckoutResult({ orderErrors: [{ orderGroupId: '0', code: 800087, description: 'x' }] })).toEqual({ orders: [], orderErrors: [{ orderGroupId: '0', code: 800087, description: 'x' }] });
    expect(() => parseCheckoutResult({})).toThrow('Partner Center response: checkout result must be orders or orderErrors');
    expect(() => parseCheckoutResult({ orders: [], orderErrors: [] })).toThrow(PartnerCenterResponseShapeError);
  });

  it('reads a cart without a status as neither Active nor Ordered', () => {
    expect(parseCart({ id: 'c1', creationTimestamp: '2026-01-01T00:00:00Z', expirationTimestamp: '2026-01-08T00:00:00Z', lineItems: [] }).status).toBe('');
  });

  it('reads subscription ids on order line items once provisioned', () => {
    const order = parseOrder({ id: 'o1', status: 'completed', billingCycle: 'monthly', lineItems: [{ lineItemNumber: 0, offerId: 'A', quantity: 3, subscriptionId: 's-1' }] });
    expect(order.lineItems[0].subscriptionId).toBe('s-1');
  });

  it('reads the error body with a numeric or string code and rejects other shapes', () => {
    expect(parseErrorBody({ code: 800065, description: 'already submitted', data: [], source: 'PartnerFD' })).toEqual({
      code: 800065,
      description: 'already submitted',
      data: [],
      source: 'PartnerFD',
    });
    expect(parseErrorBody({ code: '800064', description: 'busy' })?.code).toBe(800064);
    expect(parseErrorBody({ code: 'SomeCode', description: 'x' })?.code).toBe('SomeCode');
    expect(parseErrorBody({ statusCode: 429, message: 'Rate limit' })).toBeUndefined();
    expect(parseErrorBody('<html>')).toBeUndefined();
  });

  it('reads Retry-After from the header, an HTTP date, or the 429 body', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfterSeconds('57', undefined, now, 30)).toBe(57);
    expect(parseRetryAfterSeconds('Thu, 01 Jan 2026 00:00:12 GMT', undefined, now, 30)).toBe(12);
    expect(parseRetryAfterSeconds(null, { statusCode: 429, message: 'Rate limit is exceeded. Try again in 41 seconds.' }, now, 30)).toBe(41);
    expect(parseRetryAfterSeconds(null, {}, now, 30)).toBe(30);
  });
});

describe('Partner Center base URL', () => {
  it.each(['https://api.partnercenter.microsoft.com', 'http://127.0.0.1:7080', 'http://localhost:7080', 'http://[::1]:7080'])('accepts %s', (url) => {
    expect(() => validatePartnerCenterBaseUrl(url)).not.toThrow();
  });

  it('refuses plain http to a non-loopback host', () => {
    expect(() => validatePartnerCenterBaseUrl('http://api.partnercenter.microsoft.com')).toThrow(
      'Partner Center base URL must use https unless the host is loopback',
    );
  });

  it('refuses something that is not a URL', () => {
    expect(() => validatePartnerCenterBaseUrl('partnercenter')).toThrow('must be an absolute URL');
  });
});
