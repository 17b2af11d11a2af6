// Steps 1 and 2 of processOrder: create the cart, then check it out before it expires. Until checkout starts the
// order can be cancelled (the `cancel` event races every wait); from then on it is with Partner Center.

import type { Task } from 'durable-functions';
import type { OutcomeError } from '../shared/orders';
import { ACTIVITY, type CartRef, type CheckoutResult, type CreateCartInput, type CreateCartResult } from './activities/contracts';
import { canCheckOut } from './checkoutPolicy';
import { CANCEL_EVENT } from './contracts';
import { CANCELLED, callActivity, callActivityUnlessCancelled, unlessCancelled, waitSeconds, type OrderRun, type Step } from './orderRun';
import { recoverOrders } from './recoverySteps';
import { finished, partnerCenterError, workflowError, type Cart, type Finished, type Submitted } from './stepResults';
import { isoOf } from './time';

export type { Finished, Submitted } from './stepResults';

/** Creates carts (a new one when the last expired before checkout, bounded) and checks out. */
export function* createCartAndCheckOut(run: OrderRun): Step<Submitted | Finished> {
  const cancel = run.df.waitForExternalEvent(CANCEL_EVENT);
  for (let attempt = 1; attempt <= run.policy.maxCartAttempts; attempt++) {
    const cart = yield* createCart(run, attempt, cancel);
    if (cart.kind === 'finished') return cart;
    if ((yield* checkoutGate(run, cancel)) === CANCELLED) return cancelledBeforeCheckout(run, cart.cartId);
    const checkout = yield* checkoutBeforeExpiry(run, cart);
    if (checkout.kind !== 'recreate') return checkout;
    run.report({ lastError: `cart ${cart.cartId} expired before checkout; creating a new cart` });
  }
  return finished('failed', run.status.cartId, [workflowError(`no cart could be checked out before it expired (${run.policy.maxCartAttempts} carts tried)`)]);
}

/**
 * The last moment to cancel: a zero-length durable timer raced with the cancel event. Events that reached the instance
 * together with the cart are processed before the timer fires, so a cancel sent while the cart was being created
 * always wins over the checkout; once the gate has opened, a cancel comes too late.
 */
function* checkoutGate(run: OrderRun, cancel: Task): Step<unknown> {
  return yield* unlessCancelled(run, run.df.createTimer(run.now()), cancel);
}

function cancelledBeforeCheckout(run: OrderRun, cartId: string | null): Finished {
  run.report({ lastError: null });
  return finished('cancelled', cartId, [workflowError('cancelled on request before checkout; nothing was bought')]);
}

function* createCart(run: OrderRun, attempt: number, cancel: Task): Step<({ kind: 'created' } & Cart) | Finished> {
  run.report({ stage: 'creatingCart', attempts: { ...run.status.attempts, cart: attempt } });
  const input: CreateCartInput = { instanceId: run.instanceId, attempt, request: run.input.request };
  for (let throttled = 0; ; throttled++) {
    const call = yield* callActivityUnlessCancelled<CreateCartResult>(run, ACTIVITY.createCart, input, cancel);
    if (call === CANCELLED) return cancelledBeforeCheckout(run, run.status.cartId);
    if (!call.ok) return finished('failed', run.status.cartId, [workflowError(`creating the cart failed: ${call.error}`)]);
    const result = call.value;
    switch (result.kind) {
      case 'created': {
        run.report({ cartId: result.cartId, cartExpiresAt: result.expiresAt, lastError: null });
        if (result.lineItemErrors.length > 0) {
          const errors: OutcomeError[] = result.lineItemErrors.map((e) => ({ source: 'lineItem', ...e }));
          return finished('failed', result.cartId, errors);
        }
        return { kind: 'created', cartId: result.cartId, expiresAt: result.expiresAt };
      }
      case 'rejected':
        return finished('failed', run.status.cartId, [partnerCenterError(result.error)]);
      case 'throttled': {
        if (throttled >= run.policy.maxThrottleWaits) return finished('failed', null, [workflowError(`Partner Center kept throttling cart creation (${throttled} waits)`)]);
        run.report({ lastError: `throttled by Partner Center; retrying after ${result.retryAfterSeconds} s` });
        if ((yield* waitSeconds(run, result.retryAfterSeconds, cancel)) === CANCELLED) return cancelledBeforeCheckout(run, null);
      }
    }
  }
}

type CheckoutStep = Submitted | Finished | { kind: 'recreate' };

/** Checks out while the cart has time left; 429 and 800064 wait on timers, 800065 recovers the orders. */
function* checkoutBeforeExpiry(run: OrderRun, cart: Cart): Step<CheckoutStep> {
  const ref: CartRef = { instanceId: run.instanceId, customerId: run.input.request.customerId, cartId: cart.cartId };
  let throttled = 0;
  // Set when Partner Center may have started a checkout we did not see finish: the cart must then be read before
  // anything else is bought, never replaced blindly.
  let outcomeUnknown = false;
  for (let calls = 0; ; ) {
    if (!canCheckOut(run.now(), cart.expiresAt, run.policy) || calls >= run.policy.maxCheckoutAttempts) {
      if (!outcomeUnknown) return calls >= run.policy.maxCheckoutAttempts ? gaveUp(run, cart, 'checkout kept failing') : { kind: 'recreate' };
      const recovered = yield* recoverOrders(run, ref);
      if (recovered.kind !== 'notOrdered') return recovered;
      return calls >= run.policy.maxCheckoutAttempts ? gaveUp(run, cart, 'checkout kept failing') : { kind: 'recreate' };
    }
    calls++;
    run.report({ stage: 'checkingOut', attempts: { ...run.status.attempts, checkout: run.status.attempts.checkout + 1 } });
    const call = yield* callActivity<CheckoutResult>(run, ACTIVITY.checkoutCart, ref);
    if (!call.ok) {
      // Retries ran out on a transient failure: the checkout may or may not have happened. Look at the cart.
      run.report({ lastError: `checkout failed: ${call.error}` });
      outcomeUnknown = true;
      const recovered = yield* recoverOrders(run, ref);
      if (recovered.kind !== 'notOrdered') return recovered;
      continue;
    }
    const result = call.value;
    switch (result.kind) {
      case 'submitted': {
        const errors: OutcomeError[] = result.orderErrors.map((e) => ({ source: 'orderGroup', ...e }));
        // Every order group refused: nothing was bought, so there is no `submitted` milestone to announce.
        if (result.orders.length === 0) return finished('failed', cart.cartId, errors);
        run.report({ lastError: null });
        return { kind: 'submitted', cartId: cart.cartId, orders: result.orders, errors, submittedAt: isoOf(run.now()) };
      }
      case 'throttled':
        if (++throttled > run.policy.maxThrottleWaits) return gaveUp(run, cart, `Partner Center kept throttling checkout (${throttled - 1} waits)`);
        run.report({ lastError: `throttled by Partner Center; retrying checkout after ${result.retryAfterSeconds} s` });
        yield* waitSeconds(run, result.retryAfterSeconds);
        break;
      case 'busy':
        outcomeUnknown = true;
        run.report({ lastError: `cart ${cart.cartId} is being processed by another request (800064); checking again` });
        yield* waitSeconds(run, run.policy.busyRetrySeconds);
        break;
      case 'alreadySubmitted': {
        run.report({ lastError: `cart ${cart.cartId} was already submitted (800065); recovering its orders` });
        const recovered = yield* recoverOrders(run, ref);
        if (recovered.kind !== 'notOrdered') return recovered;
        outcomeUnknown = true;
        break;
      }
      case 'expired':
        return { kind: 'recreate' };
      case 'rejected':
        return finished('failed', cart.cartId, [partnerCenterError(result.error)]);
    }
  }
}

function gaveUp(run: OrderRun, cart: Cart, reason: string): Finished {
  run.report({ lastError: reason });
  return finished('failed', cart.cartId, [workflowError(reason)]);
}
