// A cancel racing cart creation, under the runtime's Azure-like rules: an instance completes only once no task is
// open, and (shuffled inbox) messages waiting together reach the orchestration in any order, as Azure Storage queues
// may deliver them. Over many seeds and moments of the cancel, the published outcome, the instance's runtime status
// and Partner Center's ledger always agree: `cancelled` means no checkout and the cart step finished first;
// `completed` means exactly one checkout. processOrder runs as registered; only its activities are stand-ins here
// (Partner Center's ledger in memory), because this test is about the orchestration and the runtime, not the client;
// pacing is off (its budget entity is tested with the driver and end to end).
import { EventType } from '../../../local/runtime/durable/historyEvents';
import { createDurableHarness } from '../runtime/durableHarness';
import { CANCEL_EVENT, type ProcessOrderInput } from '../../../orchestrations';
import { processOrder } from '../../../orchestrations/processOrder';
import { loadWorkflowPolicy } from '../../../shared/config';
import type { OrderOutcome, ResultMessage } from '../../../shared/orders';
import { validOrder } from '../../fixtures/orders/requests';

const SEEDS = 25;
const input = (): ProcessOrderInput => ({ request: validOrder(), receivedAt: '2026-01-01T00:00:00.000Z', policy: loadWorkflowPolicy({ PARTNER_CENTER_BUDGET_PER_MINUTE: '0' }) });
const completedOrder = { id: 'ord-1', status: 'completed', billingCycle: 'monthly', lineItems: [{ lineItemNumber: 0, offerId: 'X', quantity: 1, subscriptionId: 'sub-1' }] };

/** When the cancel is raised, relative to the cart step. */
type Moment = 'beforeCartReturns' | 'withCartResult' | 'afterCheckout' | 'seeded';

async function race(seed: number, moment: Moment) {
  const ledger = { cartsCreated: 0, cartCallsRunning: 0, checkouts: 0, published: [] as ResultMessage[], activitiesAfterFinish: 0 };
  let releaseCart!: () => void;
  const cartHeld = new Promise<void>((resolve) => (releaseCart = resolve));
  let finished = false;
  const harness = createDurableHarness(
    { processOrder: processOrder as never },
    {
      createCart: async () => {
        if (finished) ledger.activitiesAfterFinish++;
        ledger.cartCallsRunning++;
        await cartHeld;
        ledger.cartCallsRunning--;
        ledger.cartsCreated++;
        return { ok: true, value: { cartId: 'cart-1', expiresAt: '2026-01-08T00:00:00.000Z', lineItemErrors: [] } };
      },
      checkoutCart: () => {
        if (finished) ledger.activitiesAfterFinish++;
        ledger.checkouts++;
        return { ok: true, value: { orders: [completedOrder], orderErrors: [] } };
      },
      publishResult: (message: unknown) => {
        ledger.published.push(message as ResultMessage);
        return { ok: true, value: { messageId: 'm' } };
      },
    },
    { inboxOrder: { kind: 'shuffled', seed } },
  );
  const id = `race-${moment}-${seed}`;
  harness.client.startNew('processOrder', { instanceId: id, input: input() });
  await harness.until(() => ledger.cartCallsRunning === 1, 'the cart step to start');
  const cancel = () => harness.client.raiseEvent(id, CANCEL_EVENT, { requestedAt: 'now' });
  const pick = moment === 'seeded' ? (['beforeCartReturns', 'withCartResult', 'afterCheckout'] as const)[seed % 3] : moment;
  if (pick === 'beforeCartReturns') {
    cancel();
    await harness.until(() => (harness.history(id)?.history ?? []).some((e) => e.EventType === EventType.EventRaised), 'the cancel to reach history');
    // The cancel has been seen, yet the instance waits for the cart step it started.
    expect(harness.history(id)?.runtimeStatus).toBe('Running');
    releaseCart();
  } else if (pick === 'withCartResult') {
    releaseCart();
    cancel();
  } else {
    releaseCart();
    await harness.until(() => harness.history(id)?.runtimeStatus === 'Completed', 'the order to finish');
    try {
      cancel();
    } catch {
      // A finished instance may refuse the event; either way it must change nothing.
    }
  }
  await harness.until(() => harness.history(id)?.runtimeStatus === 'Completed', 'the order to finish', 10_000);
  finished = true;
  await harness.dispatcher.whenIdle();
  const instance = harness.history(id);
  const output = JSON.parse(instance?.output ?? 'null') as OrderOutcome;
  return { pick, ledger, output, runtimeStatus: instance?.runtimeStatus };
}

test(`a cancel racing cart creation, over ${SEEDS} seeds of a shuffled inbox: outcome, runtime status and Partner Center agree`, async () => {
  const seen = new Map<string, number>();
  for (let seed = 1; seed <= SEEDS; seed++) {
    for (const moment of ['beforeCartReturns', 'withCartResult', 'afterCheckout', 'seeded'] as const) {
      const { pick, ledger, output, runtimeStatus } = await race(seed, moment);
      const outcomes = ledger.published.filter((m): m is OrderOutcome => m.kind === 'outcome');
      const label = `seed ${seed}, cancel ${pick}`;
      expect({ label, runtimeStatus, outcomes: outcomes.length, cartsCreated: ledger.cartsCreated, late: ledger.activitiesAfterFinish }).toEqual({
        label,
        runtimeStatus: 'Completed',
        outcomes: 1,
        cartsCreated: 1,
        late: 0,
      });
      // The instance's output is the published outcome.
      expect(output).toEqual(outcomes[0]);
      if (output.status === 'cancelled') {
        expect({ label, checkouts: ledger.checkouts, cartId: output.cartId, orders: output.orders }).toEqual({ label, checkouts: 0, cartId: 'cart-1', orders: [] });
      } else {
        expect({ label, status: output.status, checkouts: ledger.checkouts }).toEqual({ label, status: 'completed', checkouts: 1 });
      }
      // A cancel seen before the cart step returned, or together with its result, always wins over checkout.
      if (pick !== 'afterCheckout') expect({ label, status: output.status }).toEqual({ label, status: 'cancelled' });
      seen.set(output.status, (seen.get(output.status) ?? 0) + 1);
    }
  }
  expect([...seen.keys()].sort()).toEqual(['cancelled', 'completed']);
}, 120_000);
