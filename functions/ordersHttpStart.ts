// POST /api/orders: the same validation and start as the queue, answered synchronously.
// 202 + the order's own status URL when started; 400 with field errors; 413 for a body over 256 KB; 200 with the
// current status when the order id exists for the same request (a retry); 409 naming orderId when it exists for a
// different one. Responses never carry Durable management URLs or the system key: those let
// the holder start, terminate or purge any instance without the API's checks, so they are for operators only.

import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { validateOrderRequest } from '../shared/orders';
import { answeringDurableOutage, json, orderStatusUrl, problem, readOrderBody } from './httpResponses';
import { duplicateMatch, orderIdInUse, startOrderOnce, type OrderInstances, type StartDeps } from './orderInstances';
import { orderView } from './orderView';
import type { ApiAuthMode } from '../shared/config';
import { API_ROLES, protectHttp } from './apiAuth';

export interface OrdersHttpStartDeps extends StartDeps {
  getClient: (context: InvocationContext) => OrderInstances;
}

export function createOrdersHttpStartHandler(deps: OrdersHttpStartDeps) {
  return answeringDurableOutage('POST /orders', async function ordersHttpStart(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
    const text = await readOrderBody(request);
    if (!text.ok) return text.response;
    let body: unknown;
    try {
      body = JSON.parse(text.text);
    } catch {
      return problem(400, 'the request body must be a JSON order', [{ field: '(body)', message: 'must be valid JSON' }]);
    }
    const validation = validateOrderRequest(body);
    if (!validation.ok) return problem(400, 'the order request is invalid', validation.errors);

    const { orderId } = validation.request;
    // Computed before anything starts: a failure here must not leave a started order behind a 500.
    const statusUrl = orderStatusUrl(request, orderId);
    const started = await startOrderOnce(deps.getClient(context), validation.request, deps);
    if (started.kind === 'duplicate') {
      const match = duplicateMatch(started.existing, validation.request);
      if (match.kind !== 'same') {
        // A 200 would hand this request the other request's order as if it were its own.
        const message = orderIdInUse(started.existing, match);
        context.warn(`POST /orders: order ${orderId} is ${message}`);
        return problem(409, `order id ${orderId} is ${message}`, [{ field: 'orderId', message }]);
      }
      context.warn(`POST /orders: order ${orderId} already has instance ${started.instanceId}; nothing started`);
      return json(200, { alreadyExists: true, statusUrl, cancelUrl: statusUrl, order: orderView(orderId, started.existing) }, { Location: statusUrl });
    }
    context.log(`POST /orders: order ${orderId} started as instance ${started.instanceId}`);
    return json(202, { orderId, instanceId: started.instanceId, statusUrl, cancelUrl: statusUrl }, { Location: statusUrl, 'Retry-After': '10' });
  });
}

export function registerOrdersHttpStart(deps: StartDeps, auth: ApiAuthMode = 'functionKeys'): void {
  app.http('ordersHttpStart', {
    route: 'orders',
    methods: ['POST'],
    extraInputs: [df.input.durableClient()],
    ...protectHttp(auth, API_ROLES.submit, createOrdersHttpStartHandler({ ...deps, getClient: (context) => df.getClient(context) })),
  });
}
