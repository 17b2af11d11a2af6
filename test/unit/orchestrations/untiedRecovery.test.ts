// Recovery of a cart Partner Center will not repeat (800065, request id forgotten) against the order list's documented
// lag of up to 15 minutes (get-all-of-a-customer-s-orders.md), which the simulator now models by default.
import './durableHost';
import { START, cartAlreadySubmitted, cartCreated, cartReady, msBetween, newOrderReplay, ok, published, status } from './scenario';

describe('processOrder untied recovery and the order list lag', () => {
  // Right after checkout the list may not show the cart's orders yet: ending `unknown` on the first `untied` answer
  // named no candidates although they appear minutes later. It looks again through ORDER_RECOVERY_WINDOW.
  test('an untied cart with no candidates yet looks again within the recovery window before naming them', async () => {
    const replay = newOrderReplay({ ORDER_RECOVERY_RETRY_INTERVAL: 'PT5M', ORDER_RECOVERY_WINDOW: 'PT20M' });
    await replay.start();
    await cartReady(replay, cartCreated());
    await replay.completeActivity('checkoutCart', cartAlreadySubmitted());
    await replay.completeActivity('findCartOrders', ok({ kind: 'untied', candidates: [], moreCandidates: 0 }));

    expect(replay.openTimers()).toHaveLength(1);
    expect(status(replay)).toMatchObject({ stage: 'recoveringOrders', waitingFor: 'orderList', outcome: null });
    // Looks every 5 minutes until the 20-minute window has passed; the list shows the orders from the third look on.
    const looks: number[] = [];
    for (let i = 0; i < 10 && replay.openTimers().length > 0; i++) {
      await replay.fireTimer();
      looks.push(msBetween(START, replay.now.toISOString()) / 60_000);
      const candidates = looks.length >= 3 ? ['ord-1', 'ord-2'] : [];
      await replay.completeActivity('findCartOrders', ok({ kind: 'untied', candidates, moreCandidates: 0 }));
    }
    expect(looks.map(Math.round)).toEqual([5, 10, 15, 20]);
    expect(published(replay)).toMatchObject({
      status: 'unknown',
      orders: [],
      errors: [{ source: 'workflow', reason: 'checkoutUnknown', message: expect.stringContaining('candidates: ord-1, ord-2') }],
    });
  });
});
