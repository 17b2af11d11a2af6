import fc from 'fast-check';
import { validateOrderRequest } from '../../../shared/orders';
import { validOrder } from '../../fixtures/orders/requests';

// Every field path the validator may name: the body, or names, [index] and ["quoted key"] segments joined by dots.
const SEGMENT = String.raw`(?:[A-Za-z_$][\w$-]*|\[\d+\]|\["(?:[^"\\]|\\.)*"\])`;
const FIELD_PATH = new RegExp(String.raw`^(?:\(body\)|${SEGMENT}(?:\.?${SEGMENT})*)$`);

const anyJson = fc.jsonValue({ maxDepth: 4 });

/** A valid order with one field of one line item (or of the order) replaced by arbitrary JSON. */
const corruptedOrder = fc
  .record({
    target: fc.constantFrom('orderId', 'customerId', 'lineItems', 'catalogItemId', 'quantity', 'billingCycle', 'termDuration', 'renewsTo', 'participants', 'provisioningContext', 'promotionId', 'friendlyName', 'extra'),
    value: anyJson,
  })
  .map(({ target, value }) => {
    const order = validOrder() as unknown as Record<string, unknown>;
    if (target in order || target === 'extra') return { ...order, [target]: value };
    const items = (order.lineItems as Record<string, unknown>[]).map((item) => ({ ...item }));
    items[1][target] = value;
    return { ...order, lineItems: items };
  });

describe('validateOrderRequest on random input', () => {
  test('never throws and names a field in every error', () => {
    fc.assert(
      fc.property(fc.oneof(anyJson, corruptedOrder), (body) => {
        const result = validateOrderRequest(body);
        if (!result.ok) {
          expect(result.errors.length).toBeGreaterThan(0);
          for (const error of result.errors) {
            expect(error.field).toMatch(FIELD_PATH);
            expect(error.message.length).toBeGreaterThan(5);
          }
        }
      }),
      { numRuns: 2000 },
    );
  });

  test('an accepted request validates again to itself (the output is canonical)', () => {
    fc.assert(
      fc.property(corruptedOrder, (body) => {
        const result = validateOrderRequest(body);
        if (result.ok) expect(validateOrderRequest(result.request)).toEqual(result);
      }),
      { numRuns: 1000 },
    );
  });

  test('a corrupted line-item field is reported under that line item', () => {
    const itemField = fc.record({
      target: fc.constantFrom('catalogItemId', 'quantity', 'billingCycle'),
      value: fc.oneof(fc.integer({ max: 0 }), fc.constant(null), fc.string({ maxLength: 3 }), fc.array(fc.nat(), { maxLength: 2 })),
    });
    fc.assert(
      fc.property(itemField, ({ target, value }) => {
        const order = validOrder();
        const items = order.lineItems.map((item) => ({ ...item })) as unknown as Record<string, unknown>[];
        items[1][target] = value;
        const result = validateOrderRequest({ ...order, lineItems: items });
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.errors.map((e) => e.field)).toContain(`lineItems[1].${target}`);
      }),
      { numRuns: 500 },
    );
  });
});
