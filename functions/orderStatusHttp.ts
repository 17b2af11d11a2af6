// GET /api/orders/{orderId}: the order's outcome or current stage, in the ERP's terms.

import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { orderInstanceId } from '../shared/orders';
import { answeringDurableOutage, json, problem, routeOrderId } from './httpResponses';
import { findInstance, type OrderInstances } from './orderInstances';
import { orderView } from './orderView';
import type { ApiAuthMode } from '../shared/config';
import { API_ROLES, protectHttp } from './apiAuth';

export function createOrderStatusHandler(getClient: (context: InvocationContext) => OrderInstances) {
  return answeringDurableOutage('GET /orders/{orderId}', async function orderStatusHttp(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
    const route = routeOrderId(request);
    if (!route.ok) return route.response;
    const { orderId } = route;
    const status = await findInstance(getClient(context), orderInstanceId(orderId));
    if (!status) return problem(404, `no order with id ${orderId}`);
    return json(200, orderView(orderId, status));
  });
}

export function registerOrderStatusHttp(auth: ApiAuthMode = 'functionKeys'): void {
  app.http('orderStatusHttp', {
    route: 'orders/{orderId}',
    methods: ['GET'],
    extraInputs: [df.input.durableClient()],
    ...protectHttp(auth, API_ROLES.read, createOrderStatusHandler((context) => df.getClient(context))),
  });
}
