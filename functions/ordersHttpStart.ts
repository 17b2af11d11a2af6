// POST /api/orders: the same validation and start as the queue, answered synchronously.
// 202 + status links when started; 400 with field errors; 200 with the current status when the order id exists.

import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { validateOrderRequest } from '../shared/orders';
import { json, orderStatusUrl, problem } from './httpResponses';
import { startOrderOnce, type OrderInstances, type StartDeps } from './orderInstances';
import { orderView } from './orderView';

export interface OrdersHttpStartDeps extends StartDeps {
  getClient: (context: InvocationContext) => OrderInstances;
}

export function createOrdersHttpStartHandler(deps: OrdersHttpStartDeps) {
  return async function ordersHttpStart(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
    let body: unknown;
    try {
      body = JSON.parse(await request.text());
    } catch {
      return problem(400, 'the request body must be a JSON order', [{ field: '(body)', message: 'must be valid JSON' }]);
    }
    const validation = validateOrderRequest(body);
    if (!validation.ok) return problem(400, 'the order request is invalid', validation.errors);

    const { orderId } = validation.request;
    const client = deps.getClient(context);
    const started = await startOrderOnce(client, validation.request, deps);
    const statusUrl = orderStatusUrl(request, orderId);
    const links = client.createHttpManagementPayload(started.instanceId);
    if (started.kind === 'duplicate') {
      context.warn(`POST /orders: order ${orderId} already has instance ${started.instanceId}; nothing started`);
      return json(200, { alreadyExists: true, statusUrl, links, order: orderView(orderId, started.existing) }, { Location: statusUrl });
    }
    context.log(`POST /orders: order ${orderId} started as instance ${started.instanceId}`);
    return json(202, { orderId, instanceId: started.instanceId, statusUrl, links }, { Location: statusUrl, 'Retry-After': '10' });
  };
}

export function registerOrdersHttpStart(deps: StartDeps): void {
  app.http('ordersHttpStart', {
    route: 'orders',
    methods: ['POST'],
    authLevel: 'function',
    extraInputs: [df.input.durableClient()],
    handler: createOrdersHttpStartHandler({ ...deps, getClient: (context) => df.getClient(context) }),
  });
}
