// The order workflow, top-down: create a cart, check it out before it expires, poll its orders until they settle,
// publish the outcome. A deterministic generator: everything it does goes through context.df (activities, durable
// timers, the cancel event, custom status), and everything it decides on comes from its input or its history.
//
// Follow one order: functions/ordersQueueStart.ts (trigger) → functions/orderInstances.ts (start once) → this file →
// orchestrations/activities/*.ts → shared/partner-center/client.ts.
//
// The workflow's state lives in local variables below; the custom status is derived from them (showStatus) and never
// read back. Waiting is always on durable timers: for Partner Center's Retry-After, for an outage to pass, for the
// order list to catch up, for orders to settle; and never beyond the order's deadline.

import * as df from 'durable-functions';
import type { OrchestrationContext, Task } from 'durable-functions';
import type { Failure, OrderOutcome, OrderSummary, OutcomeError, OutcomeStatus, SubmittedMilestone, WorkflowReason } from '../shared/orders';
import type { CartRef, CheckedOut } from './activities/checkoutCart';
import { orderActivities, resultOf, type ActivityTask, type Step } from './activityProxy';
import { ORDER_CLAIM_ENTITY, type ClaimRequest, type OrderClaim } from './orderClaim';
import { PARTNER_CENTER_BUDGET_ENTITY, type ReserveRequest } from './partnerCenterBudget';
import { PASSING_FAILURES, PURCHASE_ORDER_WAIT, addMs, canCheckOut, isAtOrAfter, isoOf, jitterMs, nextPollDelayMs, orderStatusErrors, outageDelayMs, pendingOrders, recoveryDelayMs, settledStatus, undeterminedOrderNote, waitForPeople } from './policy';
import { CANCEL_EVENT, PURCHASE_ORDER_UPLOADED_EVENT, decodeProcessOrderInput, type Attempts, type DuplicateStart, type OrderCustomStatus, type PollingState, type ProcessOrderInput, type Stage, type Wait } from './processOrderContract';

/** Longest lastError shown in the custom status (Azure fails an orchestration whose custom status exceeds 16 KB). */
const LAST_ERROR_MAX = 500;

const WAIT_FOR_FAILURE: Partial<Record<Failure['reason'], Wait>> = {
  throttled: 'partnerCenterThrottling',
  unavailable: 'partnerCenterOutage',
  credentialsUnavailable: 'credentialsOutage',
};

export function* processOrder(context: OrchestrationContext): Step<OrderOutcome | DuplicateStart | undefined> {
  const input = decodeProcessOrderInput(context.df.getInput());
  const { request, policy, resume } = input;
  const instanceId = context.df.instanceId;
  const activities = orderActivities(context, (name) => (name === 'publishResult' ? policy.publishRetry : policy.activityRetry));
  const now = () => context.df.currentUtcDateTime;
  const cancel = context.df.waitForExternalEvent(CANCEL_EVENT);

  const deadline = resume?.deadline ?? isoOf(addMs(now(), policy.orderDeadlineMs));
  let stage: Stage = resume ? 'waitingForOrders' : 'creatingCart';
  let cart: { id: string; expiresAt: string | null } | null = resume ? { id: resume.cartId, expiresAt: null } : null;
  let orders: OrderSummary[] = resume?.orders ?? [];
  const errors: OutcomeError[] = [...(resume?.errors ?? [])];
  let submittedAt: string | null = resume?.submittedAt ?? null;
  const attempts: Attempts = { ...(resume?.attempts ?? { cart: 0, checkout: 0, polls: 0 }) };
  let lastError: string | null = resume?.lastError ?? null;
  let waiting: { for: Wait; until: string } | null = null;
  let outcome: OutcomeStatus | null = null;
  /** Waits for 429s and outages in this execution: numbers the jitter. */
  let passingWaits = 0;
  /** Budget slots reserved with an earlier call and not used yet (the checkout's with the cart's; a poll round's). */
  let prepaid = 0;
  showStatus();

  if (input.publishing !== undefined) {
    // An earlier execution decided the outcome; only its delivery is left.
    const { message } = input.publishing;
    cart = message.cartId === null ? null : { id: message.cartId, expiresAt: null };
    orders = message.orders;
    submittedAt = message.submittedAt;
    return yield* deliverOutcome(message, input.publishing.outages);
  }
  if (resume === undefined && input.startId !== undefined) {
    // One order id, one purchase: only the start that claims the id buys. A later start (one that raced a finished
    // order, or the same id posted after its history was purged) ends here, with nothing bought and nothing published:
    // the order's own outcome was published by the start that owns it.
    const claimRequest: ClaimRequest = { startId: input.startId, at: isoOf(now()) };
    const claim = (yield context.df.callEntity(new df.EntityId(ORDER_CLAIM_ENTITY, instanceId), 'claim', claimRequest)) as OrderClaim;
    if (claim.startId !== input.startId) {
      stage = 'finished';
      lastError = `order ${request.orderId} was already started at ${claim.claimedAt}; this start bought nothing`;
      showStatus();
      return { kind: 'duplicateStart', orderId: request.orderId, claimedAt: claim.claimedAt };
    }
  }
  if (resume === undefined) {
    const bought = yield* buy();
    if (bought !== 'submitted') return yield* publishOutcome(bought);
    yield* publishSubmittedMilestone();
  }
  const polled = yield* pollUntilSettled();
  if (polled === 'continuedAsNew') return undefined;
  errors.push(...orderStatusErrors(orders));
  if (polled === 'deadlinePassed') {
    errors.push(workflowError('deadlinePassed', `orders had not settled by the deadline ${deadline}`));
    return yield* publishOutcome('timedOut');
  }
  return yield* publishOutcome(settledStatus(orders, errors));

  /** Cart, cancel gate, checkout; a new cart when the last one expired before checkout. */
  function* buy(): Step<'submitted' | OutcomeStatus> {
    const carts = policy.cartMaxRecreations + 1;
    for (let attempt = 1; attempt <= carts; attempt++) {
      const created = yield* createCart(attempt);
      if (created !== 'created') return created;
      if ((yield* checkoutGate()) === 'cancelled') return cancelled();
      const checkedOut = yield* checkOut();
      if (checkedOut !== 'recreate') return checkedOut;
      lastError = `cart ${cart?.id} expired before checkout; creating a new cart`;
    }
    errors.push(workflowError('cartsExpired', `no cart could be checked out before it expired (${carts} carts tried)`));
    return 'failed';
  }

  function* createCart(attempt: number): Step<'created' | OutcomeStatus> {
    stage = 'creatingCart';
    attempts.cart = attempt;
    const outages = { count: 0 };
    for (;;) {
      // One reservation for the cart and its checkout: the checkout follows at once, without queueing again.
      if ((yield* paced(1, cancel, 1)) === 'cancelled') return cancelled();
      const task = activities.createCart({ instanceId, attempt, request });
      showStatus();
      // A cancel may win the race, but the activity is never walked away from: Azure keeps an instance Running until
      // its scheduled work has ended, and a cart created meanwhile is named in the outcome.
      const winner = yield context.df.Task.any([task.task, cancel]);
      const result = yield* resultOf(context, task);
      if (result.ok) cart = { id: result.value.cartId, expiresAt: result.value.expiresAt };
      if (winner === cancel) return cancelled();
      if (result.ok) {
        const refused = result.value.lineItemErrors;
        if (refused.length === 0) {
          lastError = null;
          return 'created';
        }
        errors.push(...refused.map((e): OutcomeError => ({ source: 'lineItem', ...e })));
        return 'failed';
      }
      const waited = yield* waitOut(result.failure, outages, cancel);
      if (waited === 'cancelled') return cancelled();
      if (waited === 'deadlinePassed') return failedAtDeadline(result.failure);
      if (waited === 'notPassing') {
        errors.push(failureError(result.failure));
        return 'failed';
      }
    }
  }

  /**
   * The last moment to cancel: a zero-length durable timer raced with the cancel event. A cancel that reached the
   * instance together with the cart is processed before the timer fires, so it wins over checkout; once the gate has
   * opened, a cancel comes too late.
   */
  function* checkoutGate(): Step<'open' | 'cancelled'> {
    return (yield* timerUnless(now(), cancel)) === 'interrupted' ? 'cancelled' : 'open';
  }

  /**
   * Checks the cart out while it has time left: 'recreate' when it expired first. Once a checkout may have gone
   * through unseen, neither a new cart nor `failed` comes from the workflow's own count of time or attempts: only from
   * an answer of Partner Center's that settles it, or `unknown` at the deadline.
   */
  function* checkOut(): Step<'submitted' | 'recreate' | OutcomeStatus> {
    stage = 'checkingOut';
    const current = cart as NonNullable<typeof cart>;
    // The MS-RequestId stays while a call's answer is missing (its retry is the same request) and moves on after an
    // answer, busy or refused included (headers.md: "the value should be reset for the next call").
    let requestSequence = 0;
    const cartRef = (): CartRef => ({ instanceId, customerId: request.customerId, cartId: current.id, ...(requestSequence > 0 ? { requestSequence } : {}) });
    // Set once Partner Center may have checked the cart out without our seeing the answer, or may still be checking it
    // out (a lost answer, 800064/800060 busy, 800065, a crashed activity): from then on the cart is read before
    // anything else is bought, and a cart read `Active` only means "not yet".
    let maybeOrdered = false;
    let answered = 0;
    /** Looks after the attempts or the cart's time ran out while a checkout may still be under way. */
    let unsettledLooks = 0;
    const outages = { count: 0 };
    for (;;) {
      const expired = current.expiresAt !== null && !canCheckOut(now(), current.expiresAt, policy);
      // Only answers that leave a checkout possibly under way are counted, so `answered` implies `maybeOrdered`.
      if (expired || answered >= policy.checkoutMaxAttempts) {
        if (!maybeOrdered) return 'recreate';
        const found = yield* recoverOrders(cartRef());
        if (found !== 'notOrdered') return found;
        stage = 'checkingOut';
        // A new cart could be a second purchase and `failed` could be wrong: ask again later, less and less often (the
        // same cart, which Partner Center checks out at most once), until Partner Center answers something that settles it.
        const fireAt = addMs(now(), recoveryDelayMs(unsettledLooks++, policy));
        if (fireAt.getTime() > Date.parse(deadline)) return checkoutUnknown(current.id);
        lastError = `cart ${current.id} may still be being checked out; asking Partner Center again`;
        yield* waitUntil(fireAt, 'cartBusy');
      }
      attempts.checkout++;
      yield* paced(1);
      const result = yield* run(activities.checkoutCart(cartRef()));
      if (result.ok) return submitted(result.value);
      const failure = result.failure;
      switch (failure.reason) {
        case 'throttled':
        case 'credentialsUnavailable':
          // Not answers, and nothing was sent or admitted: waited out, never counted as attempts.
          if ((yield* waitOut(failure, outages)) === 'deadlinePassed') return maybeOrdered ? checkoutUnknown(current.id) : failedAtDeadline(failure);
          break;
        case 'unavailable': {
          // Partner Center may have committed a checkout whose answer it could not deliver: look at the cart (which
          // waits out the outage itself), and only if it was not ordered wait and try again with the same MS-RequestId.
          maybeOrdered = true;
          const found = yield* recoverOrders(cartRef());
          if (found !== 'notOrdered') return found;
          stage = 'checkingOut';
          if ((yield* waitOut(failure, outages)) === 'deadlinePassed') return checkoutUnknown(current.id);
          break;
        }
        case 'cartBusy':
          answered++;
          requestSequence++;
          maybeOrdered = true;
          lastError = `cart ${current.id} is being processed by another request (${failure.code ?? '800064'}); checking again`;
          if (addMs(now(), policy.cartBusyRetryMs).getTime() > Date.parse(deadline)) return checkoutUnknown(current.id);
          yield* waitUntil(addMs(now(), policy.cartBusyRetryMs), 'cartBusy');
          break;
        case 'cartAlreadySubmitted':
        case 'activityFailed': {
          answered++;
          // 800065 is an answer; a crashed activity's call may have had none, so its retry stays the same request.
          if (failure.reason === 'cartAlreadySubmitted') requestSequence++;
          maybeOrdered = true;
          lastError = failure.reason === 'cartAlreadySubmitted' ? `cart ${current.id} was already submitted (800065); recovering its orders` : failure.message;
          const found = yield* recoverOrders(cartRef());
          if (found !== 'notOrdered') return found;
          stage = 'checkingOut';
          break;
        }
        case 'cartExpired':
          return 'recreate';
        default:
          // A refusal. After an earlier attempt that may have gone through, the cart says whether that one did: it
          // reads Active only if nothing was bought (a checkout still under way would have been answered busy).
          // Only Partner Center's answer moves the MS-RequestId on: a refused credential sent nothing, so the cart
          // read's repeat keeps the id of the call whose answer is missing.
          if (failure.status !== undefined) requestSequence++;
          if (maybeOrdered) {
            const found = yield* recoverOrders(cartRef());
            if (found !== 'notOrdered') return found;
          }
          errors.push(failureError(failure));
          return 'failed';
      }
    }
  }

  function submitted(checkedOut: CheckedOut): 'submitted' | OutcomeStatus {
    errors.push(...checkedOut.orderErrors.map((e): OutcomeError => ({ source: 'orderGroup', ...e })));
    // Every order group refused: nothing was bought, so there is no `submitted` milestone to announce.
    if (checkedOut.orders.length === 0) return 'failed';
    orders = checkedOut.orders;
    submittedAt = isoOf(now());
    lastError = null;
    return 'submitted';
  }

  /**
   * Finds what Partner Center did with a cart that was (or may have been) checked out without our seeing the answer.
   * The order list lags, so it looks again on timers; 'notOrdered' means checkout never happened. It keeps looking
   * until the deadline whatever goes wrong, and then says `unknown`, never `failed`: the cart may have been bought.
   */
  function* recoverOrders(ref: CartRef): Step<'submitted' | 'notOrdered' | OutcomeStatus> {
    stage = 'recoveringOrders';
    const windowEnd = isoOf(addMs(now(), policy.recoveryWindowMs));
    // Every recoveryRetryMs while the order list may still lag; after that less and less often, up to the deadline.
    let looksAfterWindow = 0;
    const outages = { count: 0 };
    for (;;) {
      // Reading the cart and then the order list: two calls.
      yield* paced(2);
      const result = yield* run(activities.findCartOrders(ref));
      if (result.ok && result.value.kind === 'notOrdered') return 'notOrdered';
      if (result.ok && result.value.kind === 'ordered') {
        const { orders: found, complete } = result.value;
        if (complete || (isAtOrAfter(now(), windowEnd) && found.length > 0)) {
          if (!complete) errors.push(workflowError('ordersIncomplete', `only some orders of cart ${ref.cartId} appeared in Partner Center's order list`));
          errors.push(...(result.value.orderErrors ?? []).map((e): OutcomeError => ({ source: 'orderGroup', ...e })));
          orders = found;
          submittedAt = isoOf(now());
          lastError = null;
          return 'submitted';
        }
        lastError = `orders of cart ${ref.cartId} are not yet in Partner Center's order list (it lags up to 15 minutes)`;
      } else if (result.ok && result.value.kind === 'untied') {
        // Bought, but Partner Center would not repeat which orders: candidates are named for an operator, never claimed.
        // The order list lags up to 15 minutes, so the candidates are looked for until the recovery window ends.
        const { candidates, moreCandidates } = result.value;
        if (isAtOrAfter(now(), windowEnd)) {
          const named = candidates.length === 0 ? 'none is in the order list' : `candidates: ${candidates.join(', ')}${moreCandidates > 0 ? ` and ${moreCandidates} more` : ''}`;
          errors.push(workflowError('checkoutUnknown', `cart ${ref.cartId} was checked out, but Partner Center would not repeat its checkout result and no order names the cart it came from (${named}); check Partner Center`));
          return 'unknown';
        }
        lastError = `cart ${ref.cartId} was checked out, but Partner Center would not repeat its checkout result; looking in its order list (it lags up to 15 minutes)`;
      } else if (!result.ok && PASSING_FAILURES.has(result.failure.reason)) {
        if ((yield* waitOut(result.failure, outages)) === 'deadlinePassed') return checkoutUnknown(ref.cartId);
        continue;
      } else if (!result.ok) {
        lastError = `cart ${ref.cartId} could not be read: ${result.failure.message}`;
      }
      const fireAt = addMs(now(), isAtOrAfter(now(), windowEnd) ? recoveryDelayMs(looksAfterWindow++, policy) : policy.recoveryRetryMs);
      if (fireAt.getTime() > Date.parse(deadline)) return checkoutUnknown(ref.cartId);
      yield* waitUntil(fireAt, 'orderList');
    }
  }

  /** Polls every pending order on durable timers until all have settled or the deadline passes. */
  function* pollUntilSettled(): Step<'settled' | 'deadlinePassed' | 'continuedAsNew'> {
    stage = 'waitingForOrders';
    let rounds = 0;
    const outages = { count: resume?.outages ?? 0 };
    /** Set after a throttled or unavailable round: the next round comes after that wait, not the poll interval. */
    let retry: { at: Date; for: Wait } | null = resume?.retry ? { at: new Date(resume.retry.at), for: resume.retry.for } : null;
    /** While an order waits for its purchase order, an upload (the event) ends the wait early; each event once. */
    let uploaded: Task | null = null;
    for (;;) {
      const pending = pendingOrders(orders);
      if (pending.length === 0) return 'settled';
      if (isAtOrAfter(now(), deadline)) return 'deadlinePassed';
      if (rounds >= policy.pollsPerExecution) {
        const carried: PollingState = { deadline, cartId: cart?.id ?? '', submittedAt: submittedAt ?? '', orders, errors, attempts, lastError };
        // A wait Partner Center asked for (or an outage's backoff) carries over into the next execution.
        if (retry !== null) carried.retry = { at: isoOf(retry.at), for: retry.for };
        if (outages.count > 0) carried.outages = outages.count;
        // Not yielded: continueAsNew is fire-and-forget in the JS SDK.
        context.df.continueAsNew({ ...input, resume: carried } satisfies ProcessOrderInput);
        return 'continuedAsNew';
      }
      const next = retry ?? { at: addMs(now(), nextPollDelayMs(pending, attempts.polls, policy)), for: waitForPeople(pending) ? 'peopleToAct' : 'orders' };
      const poWait = retry === null && pending.some((o) => o.status === PURCHASE_ORDER_WAIT);
      if (poWait) uploaded ??= context.df.waitForExternalEvent(PURCHASE_ORDER_UPLOADED_EVENT);
      // 'cancelled' here means the upload event ended the wait: poll at once.
      if ((yield* waitUntil(new Date(Math.min(next.at.getTime(), Date.parse(deadline))), next.for, poWait ? (uploaded ?? undefined) : undefined)) === 'cancelled') uploaded = null;
      rounds++;
      retry = null;
      const failure = yield* pollRound(pending);
      if (failure === undefined) {
        // A round that got an answer for every order lengthens the interval; a throttled or unavailable one does not.
        attempts.polls++;
        outages.count = 0;
      } else {
        const delay = passingDelayMs(failure, outages);
        lastError = failure.message;
        retry = { at: addMs(now(), delay), for: WAIT_FOR_FAILURE[failure.reason] ?? 'orders' };
      }
    }
  }

  /** Reads each pending order; stops at a 429 or an outage and returns it, so the caller waits it out. */
  function* pollRound(pending: OrderSummary[]): Step<Failure | undefined> {
    const problems: string[] = [];
    for (const [index, order] of pending.entries()) {
      // One reservation for the round (at most a burst's worth at a time), not one per order.
      yield* paced(1, undefined, pending.length - index - 1);
      const announce = { erpOrderId: request.orderId, previousStatus: order.status, polledAt: isoOf(now()) };
      const result = yield* run(activities.getOrder({ instanceId, customerId: request.customerId, orderId: order.id, announce }));
      if (result.ok) {
        const read = result.value;
        orders = orders.map((o) => (o.id === read.id ? read : o));
      } else if (PASSING_FAILURES.has(result.failure.reason)) {
        return result.failure;
      } else {
        problems.push(`reading order ${order.id}: ${result.failure.message}`);
      }
      // An order that could not be read stays in the status until a round reads it.
      const note = undeterminedOrderNote(orders);
      lastError = [...problems, ...(note === null ? [] : [note])].join('; ') || null;
    }
    return undefined;
  }

  /** The `submitted` milestone tells the ERP its Partner Center order ids early. Its loss does not fail the order. */
  function* publishSubmittedMilestone(): Step<void> {
    const milestone: SubmittedMilestone = {
      kind: 'submitted',
      orderId: request.orderId,
      customerId: request.customerId,
      instanceId,
      cartId: cart?.id ?? '',
      orders,
      errors: [...errors],
      submittedAt: submittedAt ?? isoOf(now()),
    };
    const result = yield* run(activities.publishResult(milestone));
    if (!result.ok) lastError = `publishing the submitted milestone failed: ${result.failure.message}`;
  }

  /**
   * The outcome must reach the ERP. When publishing fails after the host's retries (Service Bus down, a role or topic
   * misconfigured), the order keeps it and tries again on durable timers until it goes through, however long that
   * takes (deliverOutcome): the status shows the outcome meanwhile, with `waitingFor: resultsTopic`. The message is the
   * same every time, so its derived id lets the topic drop a copy whose acknowledgement was lost.
   */
  function* publishOutcome(status: OutcomeStatus): Step<OrderOutcome | undefined> {
    const message: OrderOutcome = {
      kind: 'outcome',
      status,
      orderId: request.orderId,
      customerId: request.customerId,
      instanceId,
      cartId: cart?.id ?? null,
      orders,
      errors,
      receivedAt: input.receivedAt,
      submittedAt,
      finishedAt: isoOf(now()),
    };
    return yield* deliverOutcome(message, 0);
  }

  /**
   * Publishes the decided outcome until Service Bus takes it. Each round adds its attempts and a timer to the history,
   * so after ORDER_POLLS_PER_EXECUTION rounds a long outage goes on in a fresh execution (continue-as-new).
   */
  function* deliverOutcome(message: OrderOutcome, outagesSoFar: number): Step<OrderOutcome | undefined> {
    stage = 'publishing';
    outcome = message.status;
    const outages = { count: outagesSoFar };
    for (let rounds = 0; ; rounds++) {
      if (rounds >= policy.pollsPerExecution) {
        // Not yielded: continueAsNew is fire-and-forget in the JS SDK.
        context.df.continueAsNew({ ...input, resume: undefined, publishing: { message, outages: outages.count } } satisfies ProcessOrderInput);
        return undefined;
      }
      const result = yield* run(activities.publishResult(message));
      if (result.ok) break;
      lastError = `publishing the ${message.status} outcome failed: ${result.failure.message}; trying again`;
      yield* waitUntil(addMs(now(), passingDelayMs(result.failure, outages)), 'resultsTopic');
    }
    stage = 'finished';
    lastError = null;
    showStatus();
    return message;
  }

  /** Waits out a 429 or an outage on a durable timer, unless the failure does not pass or the deadline comes first. */
  function* waitOut(failure: Failure, outages: { count: number }, cancelTask?: Task): Step<'waited' | 'cancelled' | 'deadlinePassed' | 'notPassing'> {
    const waitFor = WAIT_FOR_FAILURE[failure.reason];
    if (waitFor === undefined) return 'notPassing';
    const fireAt = addMs(now(), passingDelayMs(failure, outages));
    if (fireAt.getTime() > Date.parse(deadline)) return 'deadlinePassed';
    lastError = failure.message;
    return yield* waitUntil(fireAt, waitFor, cancelTask);
  }

  /**
   * Retry-After, or the outage backoff (counting only outage waits, so a 429 does not lengthen it), plus jitter so
   * orders throttled together do not retry together.
   */
  function passingDelayMs(failure: Failure, outages: { count: number }): number {
    const base = failure.reason === 'throttled' ? (failure.retryAfterSeconds ?? 0) * 1000 : outageDelayMs(outages.count++, policy);
    return base + jitterMs(instanceId, passingWaits++, policy);
  }

  /**
   * Waits on a durable timer (no compute is billed meanwhile), showing what for, or until `interrupt` (the cancel
   * event, or a purchase-order upload) comes first: then 'cancelled'.
   */
  function* waitUntil(fireAt: Date, reason: Wait, interrupt?: Task): Step<'waited' | 'cancelled'> {
    // A slot is for the moment it was given: after a wait it is not spent late, the next call reserves again.
    prepaid = 0;
    waiting = { for: reason, until: isoOf(fireAt) };
    showStatus();
    const ended = yield* timerUnless(fireAt, interrupt);
    waiting = null;
    return ended === 'interrupted' ? 'cancelled' : 'waited';
  }

  /** A durable timer raced with `interrupt`; a timer that lost the race is cancelled. */
  function* timerUnless(fireAt: Date, interrupt?: Task): Step<'elapsed' | 'interrupted'> {
    const timer = context.df.createTimer(fireAt);
    if (interrupt === undefined) {
      yield timer;
      return 'elapsed';
    }
    if ((yield context.df.Task.any([timer, interrupt])) !== interrupt) return 'elapsed';
    // A timer left pending would keep the instance Running until it fires.
    timer.cancel();
    return 'interrupted';
  }

  /**
   * Waits for a slot in the partner tenant's Partner Center budget for `cost` calls, plus `ahead` calls that follow at
   * once (a checkout after its cart, the rest of a poll round), which then need no reservation of their own: the
   * budget entity hands out slots at the configured rate to every order on every instance, and the order waits on a
   * durable timer until its slot (never beyond its deadline). No wait when the budget has room. Inputs without a
   * budget (orders started before pacing existed) keep calling at once.
   */
  function* paced(cost: number, cancelTask?: Task, ahead = 0): Step<'go' | 'cancelled'> {
    const budget = policy.partnerCenterBudget;
    if (budget === null || budget === undefined) return 'go';
    if (prepaid >= cost) {
      prepaid -= cost;
      return 'go';
    }
    // Calls made together must fit in the burst: the budget spaces anything more. Orders started before reserveAhead
    // existed reserve call by call, as their histories did.
    ahead = budget.reserveAhead === true ? Math.max(0, Math.min(ahead, budget.burst - cost)) : 0;
    const reserve: ReserveRequest = { now: isoOf(now()), cost: cost + ahead, callsPerMinute: budget.callsPerMinute, burst: budget.burst };
    showStatus();
    const slot = (yield context.df.callEntity(new df.EntityId(PARTNER_CENTER_BUDGET_ENTITY, budget.key), 'reserve', reserve)) as string;
    const at = Math.min(Date.parse(slot), Date.parse(deadline));
    if (at > now().getTime() && (yield* waitUntil(new Date(at), 'partnerCenterBudget', cancelTask)) === 'cancelled') return 'cancelled';
    prepaid = ahead;
    return 'go';
  }

  /** Runs an activity once the status shows what the order is doing. */
  function* run<T>(task: ActivityTask<T>) {
    showStatus();
    return yield* resultOf(context, task);
  }

  function cancelled(): OutcomeStatus {
    errors.push(workflowError('cancelled', 'cancelled on request before checkout; nothing was bought'));
    return 'cancelled';
  }

  function failedAtDeadline(failure: Failure): OutcomeStatus {
    errors.push(workflowError('deadlinePassed', `gave up at the order's deadline ${deadline}; nothing was bought (last: ${failure.message})`));
    return 'failed';
  }

  function checkoutUnknown(cartId: string): OutcomeStatus {
    errors.push(workflowError('checkoutUnknown', `could not tell by the deadline ${deadline} whether cart ${cartId} was checked out; check Partner Center`));
    return 'unknown';
  }

  function showStatus(): void {
    const status: OrderCustomStatus = {
      stage,
      orderId: request.orderId,
      cartId: cart?.id ?? null,
      cartExpiresAt: cart?.expiresAt ?? null,
      orders: orders.map(({ id, status: orderStatus }) => ({ id, status: orderStatus })),
      attempts: { ...attempts },
      lastError: lastError === null ? null : lastError.slice(0, LAST_ERROR_MAX),
      waitingFor: waiting?.for ?? null,
      nextCheckAt: waiting?.until ?? null,
      outcome,
    };
    context.df.setCustomStatus(status);
  }
}

const workflowError = (reason: WorkflowReason, message: string): OutcomeError => ({ source: 'workflow', reason, message });

/** A Partner Center refusal keeps its operation, status and code; a credentials or workflow failure its reason. */
function failureError(failure: Failure): OutcomeError {
  if (failure.operation === undefined) return { source: 'workflow', reason: failure.reason, message: failure.message };
  const error: OutcomeError = { source: 'partnerCenter', reason: failure.reason, operation: failure.operation, description: failure.message };
  if (failure.status !== undefined) error.status = failure.status;
  if (failure.code !== undefined) error.code = failure.code;
  return error;
}
