import { compileRoute } from '../../../local/runtime/http/routeTemplate';
import { retryDelayMs } from '../../../local/runtime/durable/sdkActions';

describe('route templates', () => {
  test('literals are case-insensitive; parameters, optional and catch-all segments bind decoded values', () => {
    const route = compileRoute('orders/{orderId}/lines/{line?}', 'test');
    expect(route.match('Orders/A%2F1/lines')).toEqual({ orderId: 'A/1' });
    expect(route.match('orders/a1/lines/3')).toEqual({ orderId: 'a1', line: '3' });
    expect(route.match('orders/a1/other')).toBeUndefined();
    expect(route.match('orders/a1/lines/3/extra')).toBeUndefined();
    expect(compileRoute('files/{*path}', 'test').match('files/a/b/c.txt')).toEqual({ path: 'a/b/c.txt' });
  });

  test('constraints filter matches; unknown constraints and malformed templates are refused at startup', () => {
    const route = compileRoute('items/{id:int}', 'test');
    expect(route.match('items/42')).toEqual({ id: '42' });
    expect(route.match('items/forty')).toBeUndefined();
    expect(() => compileRoute('items/{id:regex(^a$)}', 'Function "X"')).toThrow('Function "X": route "items/{id:regex(^a$)}" uses the constraint "regex"');
    expect(() => compileRoute('items/{id', 'Function "X"')).toThrow('malformed segment "{id"');
    expect(() => compileRoute('{*rest}/tail', 'Function "X"')).toThrow('catch-all parameter that is not the last segment');
  });

  test('more literal segments rank first', () => {
    expect(compileRoute('orders/status', 't').specificity).toBeGreaterThan(compileRoute('orders/{id}', 't').specificity);
  });
});

describe('retry delays (DTFx RetryInterceptor)', () => {
  const options = { firstRetryIntervalInMilliseconds: 1000, maxNumberOfAttempts: 5, backoffCoefficient: 2, maxRetryIntervalInMilliseconds: 5000 };
  test('first * backoff^n, capped at maxRetryInterval', () => {
    expect([0, 1, 2, 3].map((n) => retryDelayMs(options, n, 0, 0))).toEqual([1000, 2000, 4000, 5000]);
    expect(retryDelayMs({ firstRetryIntervalInMilliseconds: 250, maxNumberOfAttempts: 3 }, 4, 0, 0)).toBe(250);
  });
  test('no delay once the retry timeout has passed since the first attempt', () => {
    expect(retryDelayMs({ ...options, retryTimeoutInMilliseconds: 10_000 }, 1, 0, 10_000)).toBe(0);
    expect(retryDelayMs({ ...options, retryTimeoutInMilliseconds: 10_000 }, 1, 0, 9_999)).toBe(2000);
  });
});
