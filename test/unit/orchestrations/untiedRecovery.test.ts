// Recovery of a cart Partner Center will not repeat (800065, request id forgotten) against the order list's documented
// lag of up to 15 minutes (get-all-of-a-customer-s-orders.md), which the simulator now models by default.
import './durableHost';
import { cartAlreadySubmitted, cartCreated, cartReady, newOrderReplay, ok, published } from './scenario';

describe('processOrder untied recovery and the order list lag', () => {
  // KNOWN BUG, expected to fail until fixed in orchestrations/processOrder.ts (being changed on another branch):
  // recoverOrders ends `unknown` on the first `untied` answer, so right after checkout, while the list still lags,
  // it names no candidates ("none is in the order list yet") although the orders appear minutes later. It should look
  // again through ORDER_RECOVERY_WINDOW, as it does for `ordered` answers. When this test starts passing, drop `.failing`.
  test.failing('an untied cart with no candidates yet looks again within the recovery window before naming them', async () => {
    const replay = newOrderReplay({ ORDER_RECOVERY_RETRY_INTERVAL: 'PT5M', ORDER_RECOVERY_WINDOW: 'PT20M' });
    await replay.start();
    await cartReady(replay, cartCreated());
    await replay.completeActivity('checkoutCart', cartAlreadySubmitted());
    await replay.completeActivity('findCartOrders', ok({ kind: 'untied', candidates: [], moreCandidates: 0 }));

    expect(replay.openTimers()).toHaveLength(1);
    await replay.fireTimer();
    await replay.completeActivity('findCartOrders', ok({ kind: 'untied', candidates: ['ord-1', 'ord-2'], moreCandidates: 0 }));
    expect(published(replay)).toMatchObject({
      status: 'unknown',
      orders: [],
      errors: [{ source: 'workflow', reason: 'checkoutUnknown', message: expect.stringContaining('candidates: ord-1, ord-2') }],
    });
  });
});
