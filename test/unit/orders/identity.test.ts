import fc from 'fast-check';
import { MAX_INSTANCE_ID_LENGTH, deterministicUuid, orderIdKey, orderInstanceId, requestIds } from '../../../shared/orders';

// Durable instance-id rules (reference durable-functions-protocol.md §6).
// eslint-disable-next-line no-control-regex
const obeysDurableRules = (id: string) => id.length <= 256 && !id.startsWith('@') && !/[/\\#?\u0000-\u001f\u007f]/.test(id);

describe('orderInstanceId', () => {
  test('keeps a plain ERP id readable', () => {
    expect(orderInstanceId('SO-10001')).toBe('order-SO-10001');
    expect(orderInstanceId('PO.2024_17')).toBe('order-PO.2024_17');
  });

  test('one instance per comparison key: case variants and NFC/NFD forms of an id are one order', () => {
    expect(orderInstanceId('po.2024_17')).toBe('order-PO.2024_17');
    expect(orderInstanceId('id-case-1')).toBe(orderInstanceId('ID-CASE-1'));
    expect(orderInstanceId('Straße-1')).toBe(orderInstanceId('STRASSE-1'));
    expect(orderInstanceId('Caf\u00e9-1')).toBe(orderInstanceId('Cafe\u0301-1'));
    expect(orderInstanceId('ID-CASE-1 ')).not.toBe(orderInstanceId('ID-CASE-1'));
  });

  test.each(['SO/10001', 'SO#1', '@SO', 'a?b', 'back\\slash', 'with space', 'é', 'x'.repeat(81)])('hashes %j into a valid id', (orderId) => {
    const id = orderInstanceId(orderId);
    expect(id).toMatch(/^order~[0-9a-f]{64}$/);
    expect(obeysDurableRules(id)).toBe(true);
  });

  test('a readable id can never equal a hashed one', () => {
    // The hashed form of "x/y" must not be reachable by sending its hex as a plain id.
    const hashed = orderInstanceId('x/y');
    expect(orderInstanceId(hashed.slice('order~'.length))).not.toBe(hashed);
  });

  test('is deterministic, injective and always valid on random ids', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 100, unit: 'binary' }), fc.string({ minLength: 1, maxLength: 100, unit: 'binary' }), (a, b) => {
        const idA = orderInstanceId(a);
        expect(orderInstanceId(a)).toBe(idA);
        expect(obeysDurableRules(idA)).toBe(true);
        expect(idA.length).toBeLessThanOrEqual(MAX_INSTANCE_ID_LENGTH);
        if (orderIdKey(a) !== orderIdKey(b)) expect(orderInstanceId(b)).not.toBe(idA);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('Partner Center request ids', () => {
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

  test('are UUID-shaped and the same on every retry of one step', () => {
    expect(requestIds.checkout('order-SO-1', 'cart-1')).toMatch(UUID);
    expect(requestIds.checkout('order-SO-1', 'cart-1')).toBe(requestIds.checkout('order-SO-1', 'cart-1'));
    expect(requestIds.createCart('order-SO-1', 1)).toBe(requestIds.createCart('order-SO-1', 1));
    expect(requestIds.correlation('order-SO-1')).toBe(requestIds.correlation('order-SO-1'));
  });

  test('differ between steps, carts, attempts and orders', () => {
    const ids = new Set([
      requestIds.checkout('order-SO-1', 'cart-1'),
      requestIds.checkout('order-SO-1', 'cart-2'),
      requestIds.checkout('order-SO-2', 'cart-1'),
      requestIds.checkout('order-SO-1', 'cart-1', 1),
      requestIds.checkout('order-SO-1', 'cart-1', 2),
      requestIds.createCart('order-SO-1', 1),
      requestIds.createCart('order-SO-1', 2),
      requestIds.correlation('order-SO-1'),
      requestIds.correlation('order-SO-2'),
    ]);
    expect(ids.size).toBe(9);
    // Sequence 0 is the id orders started before sequences existed used, so their retries stay the same request.
    expect(requestIds.checkout('order-SO-1', 'cart-1', 0)).toBe(requestIds.checkout('order-SO-1', 'cart-1'));
  });

  test('part boundaries matter ("ab","c" differs from "a","bc")', () => {
    expect(deterministicUuid('ab', 'c')).not.toBe(deterministicUuid('a', 'bc'));
  });
});
