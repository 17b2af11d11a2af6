// DELETE /api/orders/{orderId}: cancels an order that has not been checked out. The orchestration listens for the
// `cancel` event until its checkout gate opens; after that the order is with Partner Center and this answers 409.

import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { CANCEL_EVENT, CANCELLABLE_STAGES, type OrderCustomStatus } from '../orchestrations';
import { orderInstanceId } from '../shared/orders';
import { answeringDurableOutage, json, orderStatusUrl, problem, routeOrderId } from './httpResponses';
import { findInstance, type OrderInstances } from './orderInstances';
import type { ApiAuthMode } from '../shared/config';
import { API_ROLES, protectHttp } from './apiAuth';

const FINISHED = new Set(['Completed', 'Failed', 'Terminated', 'Canceled']);

export function createOrderCancelHandler(getClient: (context: InvocationContext) => OrderInstances, now: () => Date = () => new Date()) {
  return answeringDurableOutage('DELETE /orders/{orderId}', async function orderCancelHttp(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
    const route = routeOrderId(request);
    if (!route.ok) return route.response;
    const { orderId } = route;
    const client = getClient(context);
    const instanceId = orderInstanceId(orderId);
    const status = await findInstance(client, instanceId);
    if (!status) return problem(404, `no order with id ${orderId}`);
    const runtimeStatus = String(status.runtimeStatus);
    if (FINISHED.has(runtimeStatus)) return problem(409, `order ${orderId} has already finished (${runtimeStatus}); nothing to cancel`);
    const stage = (status.customStatus as Partial<OrderCustomStatus> | null)?.stage;
    if (stage !== undefined && !CANCELLABLE_STAGES.has(stage)) {
      return problem(409, `order ${orderId} is already with Partner Center (stage ${stage}); it can no longer be cancelled`);
    }
    await client.raiseEvent(instanceId, CANCEL_EVENT, { requestedAt: now().toISOString() });
    context.log(`DELETE /orders: cancel requested for order ${orderId} (instance ${instanceId}, stage ${stage ?? 'not started'})`);
    const statusUrl = orderStatusUrl(request, orderId);
    return json(
      202,
      { orderId, cancelRequested: true, statusUrl, note: 'the outcome will be cancelled unless checkout began before the request arrived' },
      { Location: statusUrl },
    );
  });
}

export function registerOrderCancelHttp(auth: ApiAuthMode = 'functionKeys'): void {
  app.http('orderCancelHttp', {
    route: 'orders/{orderId}',
    methods: ['DELETE'],
    extraInputs: [df.input.durableClient()],
    ...protectHttp(auth, API_ROLES.cancel, createOrderCancelHandler((context) => df.getClient(context))),
  });
}
