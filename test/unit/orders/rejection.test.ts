// A rejection answers whatever arrived, so its size is bounded by what it says, not by what it was sent.
import { boundRejection, MAX_ERROR_TEXT, MAX_REJECTION_BYTES, validateOrderRequest, type MessageRejection, type OutcomeError } from '../../../shared/orders';
import { validOrder } from '../../fixtures/orders/requests';

const rejectionOf = (body: unknown): MessageRejection => {
  const validation = validateOrderRequest(body);
  if (validation.ok) throw new Error('expected an invalid order');
  return {
    kind: 'rejection',
    messageId: 'm-1',
    claimedOrderId: null,
    claimedOrderExists: false,
    claimedInstanceId: null,
    customerId: null,
    errors: validation.errors.map((e): OutcomeError => ({ source: 'validation', ...e })),
    rejectedAt: '2026-03-02T09:00:00.000Z',
  };
};
const bytesOf = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');

test('fifty unknown fields with 5,000-character names make a small rejection, every field named and cut', () => {
  const body: Record<string, unknown> = { ...validOrder() };
  for (let i = 0; i < 60; i++) body[`${String(i).padStart(2, '0')}${'x'.repeat(5_000)}`] = 1;
  const raw = rejectionOf(body);
  expect(bytesOf(raw)).toBeLessThan(64 * 1024); // the key is cut where the path is built

  const bounded = boundRejection(raw);

  expect(bounded.errors).toHaveLength(51);
  expect(bounded.errors[0]).toMatchObject({ source: 'validation', field: expect.stringMatching(/^\["00x{70}/), message: expect.stringMatching(/^is not a known field/) });
  expect(bounded.errors.at(-1)).toEqual({ source: 'validation', field: '(body)', message: 'has 10 more error(s) not listed; fix the ones above first' });
  expect(bytesOf(bounded)).toBeLessThanOrEqual(MAX_REJECTION_BYTES);
});

test('error texts are cut to MAX_ERROR_TEXT, and errors that still do not fit are left out and counted with those the cap left out', () => {
  const huge = (i: number): OutcomeError => ({ source: 'validation', field: `f${i}${'y'.repeat(10_000)}`, message: '\u0001'.repeat(10_000) });
  const raw: MessageRejection = { ...rejectionOf({}), errors: [...Array.from({ length: 50 }, (_, i) => huge(i)), { source: 'validation', field: '(body)', message: 'has 7 more error(s) not listed; fix the ones above first' }] };

  const bounded = boundRejection(raw, 16 * 1024);

  expect(bytesOf(bounded)).toBeLessThanOrEqual(16 * 1024);
  const listed = bounded.errors.slice(0, -1);
  expect(listed.length).toBeGreaterThan(0);
  for (const error of listed) {
    if (error.source !== 'validation') throw new Error('expected validation errors');
    expect(error.field).toBe(`${error.field.slice(0, MAX_ERROR_TEXT)}… (${10_000 + error.field.indexOf('y') - MAX_ERROR_TEXT} more characters)`);
    expect(error.message.startsWith('\u0001'.repeat(MAX_ERROR_TEXT))).toBe(true);
  }
  expect(bounded.errors.at(-1)).toEqual({ source: 'validation', field: '(body)', message: `has ${50 - listed.length + 7} more error(s) not listed; fix the ones above first` });
});

test('a rejection that fits is left as it is', () => {
  const raw = rejectionOf({ orderId: 'SO-1' });
  expect(boundRejection(raw)).toEqual(raw);
});
