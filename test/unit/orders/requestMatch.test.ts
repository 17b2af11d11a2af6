// Whether a request for an order id in use is the order its instance runs, after the validator's normalisation.
import { compareOrderRequests, type OrderRequest } from '../../../shared/orders';
import { CUSTOMER_ID, M365_E3, validOrder } from '../../fixtures/orders/requests';

const stored: OrderRequest = validOrder();

describe('compareOrderRequests', () => {
  test('the same order in another form is the same: id case and Unicode form, GUID case, field-name case, key order', () => {
    const { lineItems } = validOrder();
    const reordered = lineItems.map((line) => Object.fromEntries(Object.entries(line).reverse()));
    const request = { ...validOrder({ orderId: 'so-10001', lineItems: reordered as OrderRequest['lineItems'] }) };
    expect(compareOrderRequests(stored, request)).toEqual({ kind: 'same' });
    // The stored side is read back raw from the instance input and validated too.
    expect(compareOrderRequests({ OrderID: 'SO-10001', customerid: CUSTOMER_ID.toUpperCase(), LineItems: lineItems }, validOrder())).toEqual({ kind: 'same' });
    expect(compareOrderRequests(validOrder({ orderId: 'CAF\u00c9-1' }), validOrder({ orderId: 'cafe\u0301-1' }))).toEqual({ kind: 'same' });
  });

  test.each<[string, Partial<OrderRequest>, string[]]>([
    ['another customer', { customerId: '0b7f0e3a-1c2d-4e5f-8a9b-0c1d2e3f4a5b' }, ['customerId']],
    ['another quantity', { lineItems: [{ ...validOrder().lineItems[0], quantity: 6 }, validOrder().lineItems[1]] }, ['lineItems']],
    ['a line item fewer', { lineItems: [validOrder().lineItems[0]] }, ['lineItems']],
    ['line items in another order', { lineItems: [...validOrder().lineItems].reverse() }, ['lineItems']],
    ['another term', { lineItems: [{ ...validOrder().lineItems[0], termDuration: 'P1M' }, validOrder().lineItems[1]] }, ['lineItems']],
    ['the attestation given', { partnerOnRecordAttestationAccepted: true }, ['partnerOnRecordAttestationAccepted']],
    ['another id', { orderId: 'SO-10002' }, ['orderId']],
    ['everything else', { customerId: '0b7f0e3a-1c2d-4e5f-8a9b-0c1d2e3f4a5b', lineItems: [{ catalogItemId: M365_E3, quantity: 1, billingCycle: 'annual', termDuration: 'P1Y' }] }, ['customerId', 'lineItems']],
  ])('%s is a different request naming what differs', (_label, change, fields) => {
    expect(compareOrderRequests(stored, validOrder(change))).toEqual({ kind: 'different', fields });
  });

  test.each([null, undefined, 'SO-10001', {}, { orderId: 'SO-10001', customerId: CUSTOMER_ID }])('a stored request that does not validate (%j) cannot be compared', (raw) => {
    expect(compareOrderRequests(raw, validOrder())).toEqual({ kind: 'unreadable' });
  });
});
