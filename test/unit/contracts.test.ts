// The contracts' enumerations follow the code's own lists, so adding a stage, a wait, a message kind, a request field
// or an outcome status without publishing it fails here at once (the e2e suites catch the rest of the drift on real
// answers and messages).
import fs from 'node:fs';
import path from 'node:path';
import { HttpRequest, InvocationContext, type HttpResponse } from '@azure/functions';
import { createPurchaseOrderHandler, PURCHASE_ORDER_LIMITS } from '../../functions/purchaseOrderHttp';
import { STAGES, WAITS } from '../../orchestrations';
import { purchaseOrderUploadPath } from '../../orchestrations/activities/getOrder';
import {
  MAX_LINE_ITEMS,
  MAX_REPORTED_ERRORS,
  ORDER_REQUEST_FIELDS,
  OUTCOME_STATUSES,
  PARTICIPANT_KEYS,
  RENEWAL_TERM_DURATIONS,
  REQUESTABLE_BILLING_CYCLES,
  TERM_DURATIONS,
  boundRejection,
  orderInstanceId,
  validateOrderRequest,
  type MessageRejection,
  type ResultMessage,
} from '../../shared/orders';
import { LINE_ITEM_FIELDS, MAX_FRIENDLY_NAME_LENGTH, MAX_LINE_ID, MAX_QUANTITY, PROVISIONING_CONTEXT_LIMITS } from '../../shared/orders/lineItemValidation';
import { PartnerCenterBusinessError, PartnerCenterThrottledError, PartnerCenterTransientError } from '../../shared/partner-center';
import { InMemoryInstances } from './functions/inMemoryInstances';
import { docsCreateCartOrder, docsPascalCaseOrder, validOrder } from '../fixtures/orders/requests';
import { canonicalSpelling, createContractValidators } from '../e2e/contractCheck';

const read = (name: string) => JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../contracts', name), 'utf8'));
const openApi = read('openapi.json');
const results = read('result-message.schema.json');
const request = read('order-request.schema.json');
const lineItem = request.$defs.lineItem;

test('outcome statuses, stages, waits, billing cycles and terms are the code\'s', () => {
  expect(results.$defs.outcomeStatus.enum).toEqual([...OUTCOME_STATUSES]);
  const view = openApi.components.schemas.OrderView.properties;
  expect(view.stage.enum.sort()).toEqual(['queued', 'unknown', ...STAGES].sort());
  expect(view.waitingFor.enum.filter((w: string | null) => w !== null).sort()).toEqual([...WAITS].sort());
  expect(lineItem.properties.billingCycle.enum).toEqual([...REQUESTABLE_BILLING_CYCLES]);
  expect(request.$defs.termDuration.enum).toEqual([...TERM_DURATIONS]);
  expect(lineItem.properties.renewsTo.oneOf[0].properties.termDuration.enum).toEqual([...RENEWAL_TERM_DURATIONS]);
  expect(lineItem.properties.participants.oneOf[0].items.properties.key.enum).toEqual([...PARTICIPANT_KEYS]);
});

test('the request schema names exactly the fields the validation reads, with its bounds', () => {
  expect(Object.keys(request.properties).sort()).toEqual([...ORDER_REQUEST_FIELDS].sort());
  expect(Object.keys(lineItem.properties).sort()).toEqual([...LINE_ITEM_FIELDS].sort());
  expect(request.properties.lineItems.maxItems).toBe(MAX_LINE_ITEMS);
  expect(lineItem.properties.quantity.maximum).toBe(MAX_QUANTITY);
  expect(lineItem.properties.id.oneOf[0].maximum).toBe(MAX_LINE_ID);
  expect(lineItem.properties.friendlyName.oneOf[0].maxLength).toBe(MAX_FRIENDLY_NAME_LENGTH);
  const context = lineItem.properties.provisioningContext.oneOf[0];
  expect([context.maxProperties, context.propertyNames.maxLength, context.additionalProperties.maxLength]).toEqual([
    PROVISIONING_CONTEXT_LIMITS.maxKeys,
    PROVISIONING_CONTEXT_LIMITS.maxKeyLength,
    PROVISIONING_CONTEXT_LIMITS.maxValueLength,
  ]);
  // A rejection lists MAX_REPORTED_ERRORS errors, then one entry counting the rest.
  expect(results.$defs.messageRejection.properties.errors.maxItems).toBe(MAX_REPORTED_ERRORS + 1);
  const upload = openApi.paths['/orders/{orderId}/purchase-order'].post.requestBody.content['multipart/form-data'].schema.properties.pofiles;
  expect(upload.maxItems).toBe(PURCHASE_ORDER_LIMITS.maxFiles);
});

test('the sample order, the fixtures\' valid order and the documented forms match the order request schema', () => {
  const validators = createContractValidators();
  expect(validators.checkOrderRequest(read('../test/fixtures/orders/sample-order.json'))).toEqual([]);
  expect(validators.checkOrderRequest(validOrder())).toEqual([]);
  expect(validators.checkOrderRequest({ ...validOrder(), extra: 1 })).not.toEqual([]);
  expect(validators.checkOrderRequest(docsCreateCartOrder('SO-DOCS-1'))).toEqual([]);
  // The PascalCase example is the app's (validation says so) and the schema's once spelt canonically, never as sent.
  const pascal = docsPascalCaseOrder('SO-DOCS-2');
  expect(validateOrderRequest(pascal).ok).toBe(true);
  expect(validators.checkOrderRequest(pascal)).not.toEqual([]);
  expect(validators.checkAcceptedOrderRequest(pascal)).toEqual([]);
  expect(canonicalSpelling(request, request, pascal)).toEqual({
    orderId: 'SO-DOCS-2',
    customerId: pascal.CustomerId,
    partnerOnRecordAttestationAccepted: true,
    lineItems: [{ catalogItemId: 'CFQ7TTC0LFLZ:0002:CFQ7TTC0K4TS', quantity: 1, termDuration: 'P1M', billingCycle: 'monthly' }],
  });
  // provisioningContext keys go to Partner Center as given: never renamed.
  const context = { orderId: 'SO-3', customerId: pascal.CustomerId, lineItems: [{ catalogItemId: 'MS-AZR-0145P', quantity: 1, billingCycle: 'OneTime', provisioningContext: { SubscriptionId: 'x' } }] };
  expect((canonicalSpelling(request, request, context) as typeof context).lineItems[0]).toEqual({ ...context.lineItems[0], billingCycle: 'one_time' });
});

test('forms the validation takes are forms the schema takes, and refusals it names are the schema\'s too', () => {
  const validators = createContractValidators();
  const line = { catalogItemId: 'MS-AZR-0145P', quantity: 1, billingCycle: 'monthly' };
  const accepted = [
    { id: '7', ...line, termDuration: null, renewsTo: null, promotionId: null, friendlyName: null, participants: null, customTermEndDate: null, attestationAccepted: null, provisioningContext: null },
    { ...line, catalogItemId: '5f3a7cd2-c76f-4b21-9ddc-f48f09869cf6', attestationAccepted: true, customTermEndDate: '2022-02-19T00:00:00Z' },
    { ...line, catalogItemId: 'CFQ7TTC0LF8S:0001:CFQ7TTC0VZW5', termDuration: 'P1Y', promotionId: '39NFJQT1PHSN:0008:39NFJQT1Q5J0', participants: [{ key: 'transaction_reseller', value: 5357564 }] },
  ];
  for (const item of accepted) {
    const order = { ...validOrder(), partnerOnRecordAttestationAccepted: null, lineItems: [item] };
    expect(validateOrderRequest(order)).toMatchObject({ ok: true });
    expect(validators.checkOrderRequest(order)).toEqual([]);
  }
  const refused = [
    { ...line, catalogItemId: 'CFQ7TTC0LF8S:001:CFQ7TTC0VZW5' },
    { ...line, billingCycle: 'annual' },
    { ...line, renewsTo: { termDuration: 'P1M' } },
    { ...line, provisioningContext: { scope: 'everyone' } },
    { ...line, participants: [{ key: 'transaction_reseller', value: 'reseller-1' }] },
    { ...line, customTermEndDate: 'next month' },
  ];
  for (const item of refused) {
    const order = { ...validOrder(), lineItems: [item] };
    expect(validateOrderRequest(order)).toMatchObject({ ok: false });
    expect(validators.checkOrderRequest(order)).not.toEqual([]);
  }
});

test('every kind of results message the code builds matches the results schema', () => {
  const validators = createContractValidators();
  const identity = { orderId: 'SO-1', customerId: '4a2d5f3e-8b1c-4c7d-9e0f-1a2b3c4d5e6f', instanceId: 'order-so-1' };
  const order = { id: 'a1b2c3d4e5f6', status: 'pending' as const, billingCycle: 'monthly' as const, lineItems: [{ lineItemNumber: 0, offerId: 'CFQ7TTC0LF8S:0001:CFQ7TTC0VZW5', quantity: 5 }] };
  const lineItemError = { source: 'lineItem' as const, lineItemIndex: 0, lineItemId: 7, code: 'AttestationNotAccepted', codeNumber: 10012, description: 'attestation required' };
  const at = '2024-05-01T10:00:00.000Z';
  // One of each kind, keyed by kind: a new kind fails the type check here until it has a sample (and a schema).
  const samples: { [K in ResultMessage['kind']]: Extract<ResultMessage, { kind: K }> } = {
    submitted: { kind: 'submitted', ...identity, cartId: 'cart-1', orders: [order], errors: [lineItemError], submittedAt: at },
    purchaseOrderRequired: { kind: 'purchaseOrderRequired', ...identity, partnerCenterOrderId: order.id, uploadPath: purchaseOrderUploadPath('SO 1/a'), seenAt: at },
    outcome: { kind: 'outcome', status: 'failed', ...identity, cartId: 'cart-1', orders: [], errors: [lineItemError, { ...lineItemError, lineItemId: undefined }], receivedAt: at, submittedAt: null, finishedAt: at },
    rejection: { kind: 'rejection', messageId: 'm-1', claimedOrderId: null, claimedOrderExists: false, claimedInstanceId: null, customerId: null, errors: [{ source: 'validation', field: '(body)', message: 'must be a JSON object' }], rejectedAt: at },
  };
  for (const message of Object.values(samples)) expect(validators.checkMessage(JSON.parse(JSON.stringify(message)))).toEqual([]);
  expect(results.oneOf).toHaveLength(Object.keys(samples).length);

  // The largest rejection the validation can cause: 50 errors and the entry counting the rest.
  const invalid = validateOrderRequest({ orderId: 'SO-2', customerId: identity.customerId, lineItems: Array.from({ length: 60 }, () => ({ quantity: 0 })) });
  if (invalid.ok) throw new Error('expected the order to be refused');
  expect(invalid.errors).toHaveLength(MAX_REPORTED_ERRORS + 1);
  const rejection: MessageRejection = boundRejection({ ...samples.rejection, errors: invalid.errors.map((e) => ({ source: 'validation', ...e })) });
  expect(validators.checkMessage(rejection)).toEqual([]);
});

test('every answer of POST /api/orders/{orderId}/purchase-order matches the OpenAPI document', async () => {
  const validators = createContractValidators();
  const details = { operation: 'uploadPurchaseOrder', requestId: 'r', correlationId: 'c' };
  const failures: Record<string, Error | undefined> = {
    ok: undefined,
    refused: new PartnerCenterBusinessError('missing currency', { ...details, status: 400, code: 900254 }),
    throttled: new PartnerCenterThrottledError('throttled', 12, { ...details, status: 429 }),
    outage: new PartnerCenterTransientError('unavailable', { ...details, status: 503 }),
  };
  let failure: Error | undefined;
  const instances = new InMemoryInstances();
  const waiting = { stage: 'waitingForOrders', orderId: 'SO-1', orders: [{ id: 'a68736758d9c', status: 'pending_po_upload' }] };
  instances.put(orderInstanceId('SO-1'), { input: { request: validOrder({ orderId: 'SO-1' }) }, customStatus: waiting });
  instances.put(orderInstanceId('SO-2'), { input: { request: validOrder({ orderId: 'SO-2' }) }, customStatus: { ...waiting, orders: [] } });
  const upload = createPurchaseOrderHandler({
    getClient: () => instances as never,
    partnerCenter: {
      uploadPurchaseOrder: async () => {
        if (failure) throw failure;
        return [{ attachmentId: 'att-1', fileName: 'PO.pdf', sizeInKB: 1, attachmentType: 'PurchaseOrder' }];
      },
    },
  });
  const send = async (orderId: string, body: Buffer, contentType: string, query = '?customerPrice=156.87&currency=cad') => {
    const url = `https://orders.example.net/api/orders/${encodeURIComponent(orderId)}/purchase-order${query}`;
    const request = new HttpRequest({ method: 'POST', url, params: { orderId }, headers: { 'content-type': contentType }, body: { bytes: body } });
    const response = (await upload(request, new InvocationContext({ invocationId: 'inv', functionName: 'purchaseOrderHttp', logHandler: () => undefined }))) as HttpResponse;
    const text = await response.text();
    const problems = validators.checkResponse('POST', `/orders/${encodeURIComponent(orderId)}/purchase-order`, response.status, response.headers.get('content-type'), JSON.parse(text));
    return { status: response.status, problems };
  };
  const PDF = Buffer.from('%PDF-1.7\n%%EOF\n');
  const seen: Record<string, number> = {};
  for (const [name, error] of Object.entries(failures)) {
    failure = error;
    const answer = await send('SO-1', PDF, 'application/pdf');
    expect(answer.problems).toEqual([]);
    seen[name] = answer.status;
  }
  expect(seen).toEqual({ ok: 200, refused: 400, throttled: 429, outage: 503 });
  failure = undefined;
  const refusals = [
    await send('SO-1', PDF, 'application/pdf', ''),
    await send('SO-1', Buffer.from('hello'), 'text/plain'),
    await send('SO-404', PDF, 'application/pdf'),
    await send('SO-2', PDF, 'application/pdf'),
    await send('..', PDF, 'application/pdf'),
  ];
  expect(refusals.map((r) => r.status)).toEqual([400, 415, 404, 409, 400]);
  for (const refusal of refusals) expect(refusal.problems).toEqual([]);
});
