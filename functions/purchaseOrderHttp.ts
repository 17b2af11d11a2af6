// POST /api/orders/{orderId}/purchase-order: the customer's purchase order for the Partner Center orders of this order
// that wait for one (`pending_po_upload`). Nothing else can end that wait: Partner Center keeps the order until the
// partner uploads the PO (pending-po-upload.md, attaching-purchase-order-and-completing-po-details.md).
//
// The body is either multipart/form-data, shaped like Partner Center's own upload (a `metadata` JSON part with
// customerPrice and currency, one or more `pofiles` documents), or one raw document with the metadata in the query
// (`?customerPrice=156.87&currency=CAD[&fxRate=1.2][&fileName=PO.pdf]`). The documents go to Partner Center for each
// waiting order, with an MS-RequestId derived from the instance, the order and the documents (a retried upload is the
// same request); then the workflow is told (PURCHASE_ORDER_UPLOADED_EVENT) and polls at once.
//
// Answers: 200 with the stored attachments; 400 naming the field; 404 for an unknown order id; 409 when no Partner
// Center order of the order waits for a purchase order; 413 above the size limit; 415 for a document type Partner
// Center's examples do not show; Partner Center's refusal (400 with its code), throttling (429 with Retry-After) or
// outage (503) as such.

import { createHash } from 'node:crypto';
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { PURCHASE_ORDER_UPLOADED_EVENT, type OrderCustomStatus, type ProcessOrderInput } from '../orchestrations';
import { PURCHASE_ORDER_WAIT } from '../orchestrations/activities/getOrder';
import { deterministicUuid, describeFailure, orderInstanceId, requestIds, type FieldError } from '../shared/orders';
import type { PartnerCenterClient, PurchaseOrderUpload } from '../shared/partner-center';
import { answeringDurableOutage, json, problem, routeOrderId } from './httpResponses';
import { findInstance, type OrderInstances } from './orderInstances';
import type { ApiAuthMode } from '../shared/config';
import { API_ROLES, protectHttp } from './apiAuth';

/**
 * Partner Center documents no file types or sizes for the upload (reference partner-center-orders-detail.md §1.2:
 * every example is a PDF, the largest 2,223 KB). These are this app's limits, chosen to stay inside what the examples
 * show: PDF documents, up to 10 MB each, 10 per upload.
 */
export const PURCHASE_ORDER_LIMITS = { contentTypes: ['application/pdf'], maxFileBytes: 10 * 1024 * 1024, maxFiles: 10 } as const;
const MAX_BODY_BYTES = PURCHASE_ORDER_LIMITS.maxFileBytes * PURCHASE_ORDER_LIMITS.maxFiles + 64 * 1024;
const DECIMAL = /^\d{1,15}(\.\d{1,6})?$/;
const CURRENCY = /^[A-Z]{3}$/;
// eslint-disable-next-line no-control-regex
const FILE_NAME = /^[^\\/:*?"<>|\u0000-\u001f]{1,200}$/;

type Parsed = { ok: true; upload: PurchaseOrderUpload } | { ok: false; response: HttpResponseInit };

const invalid = (errors: FieldError[]): Parsed => ({ ok: false, response: problem(400, 'the purchase-order upload is invalid', errors) });

const METADATA_FIELDS = ['customerPrice', 'currency', 'fxRate'];

function checkMetadata(raw: Record<string, unknown>, errors: FieldError[]): Omit<PurchaseOrderUpload, 'files'> | undefined {
  // Nothing is silently dropped: a name that is not metadata Partner Center takes is refused, naming it.
  for (const key of Object.keys(raw)) {
    if (!METADATA_FIELDS.some((name) => name.toLowerCase() === key.toLowerCase())) {
      errors.push({ field: `metadata.${key.slice(0, 64)}`, message: `is not a known field (expected ${METADATA_FIELDS.join(', ')})` });
    }
  }
  const get = (name: string) => Object.entries(raw).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
  const text = (value: unknown) => (typeof value === 'number' ? String(value) : value);
  const customerPrice = text(get('customerPrice'));
  const currency = typeof get('currency') === 'string' ? (get('currency') as string).toUpperCase() : get('currency');
  const fxRate = text(get('fxRate'));
  if (typeof customerPrice !== 'string' || !DECIMAL.test(customerPrice)) errors.push({ field: 'customerPrice', message: 'is required: the price agreed with the customer, a decimal such as 156.87 (Partner Center 900254 without it)' });
  if (typeof currency !== 'string' || !CURRENCY.test(currency)) errors.push({ field: 'currency', message: 'is required: a 3-letter ISO currency code such as CAD (Partner Center 900254 without it)' });
  if (fxRate !== undefined && (typeof fxRate !== 'string' || !DECIMAL.test(fxRate))) errors.push({ field: 'fxRate', message: 'must be a decimal such as 1.2' });
  if (errors.length > 0) return undefined;
  return { customerPrice: customerPrice as string, currency: currency as string, ...(fxRate === undefined ? {} : { fxRate: fxRate as string }) };
}

function checkFile(file: { fileName: string; contentType: string; content: Uint8Array }, field: string, errors: FieldError[]): HttpResponseInit | undefined {
  const type = file.contentType.split(';')[0].trim().toLowerCase();
  if (!(PURCHASE_ORDER_LIMITS.contentTypes as readonly string[]).includes(type)) {
    return problem(415, `purchase orders must be PDF documents (got ${type || 'no content type'})`, [{ field, message: 'must be application/pdf' }]);
  }
  // The type must be what the bytes are: a PDF starts with "%PDF-".
  if (Buffer.from(file.content.subarray(0, 5)).toString('latin1') !== '%PDF-') errors.push({ field, message: 'is not a PDF document (it does not start with %PDF-)' });
  if (file.content.byteLength === 0) errors.push({ field, message: 'must not be empty' });
  if (file.content.byteLength > PURCHASE_ORDER_LIMITS.maxFileBytes) {
    return problem(413, `each document may be at most ${PURCHASE_ORDER_LIMITS.maxFileBytes} bytes`, [{ field, message: `is ${file.content.byteLength} bytes` }]);
  }
  if (!FILE_NAME.test(file.fileName)) errors.push({ field, message: 'must have a file name of 1 to 200 characters without path separators or control characters' });
  return undefined;
}

async function readUpload(request: HttpRequest): Promise<Parsed> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  const tooLarge = (size: number): Parsed => ({ ok: false, response: problem(413, `the upload must be at most ${MAX_BODY_BYTES} bytes (got ${size})`) });
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) return tooLarge(declared);
  const contentType = request.headers.get('content-type') ?? '';
  const errors: FieldError[] = [];
  const files: PurchaseOrderUpload['files'] = [];
  let metadata: Record<string, unknown>;

  if (/^multipart\/form-data/i.test(contentType)) {
    let form: FormData;
    try {
      form = await request.formData();
    } catch {
      return invalid([{ field: '(body)', message: 'must be multipart/form-data with a metadata part and pofiles documents' }]);
    }
    metadata = {};
    for (const [name, value] of form.entries()) {
      const key = name.toLowerCase();
      if (key === 'metadata') {
        try {
          const parsed: unknown = JSON.parse(typeof value === 'string' ? value : await value.text());
          if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) metadata = parsed as Record<string, unknown>;
          else errors.push({ field: 'metadata', message: 'must be a JSON object such as {"customerPrice":"156.87","currency":"CAD"}' });
        } catch {
          errors.push({ field: 'metadata', message: 'must be JSON such as {"customerPrice":"156.87","currency":"CAD"}' });
        }
      } else if (key === 'pofiles' && typeof value !== 'string') {
        files.push({ fileName: value.name, contentType: value.type, content: new Uint8Array(await value.arrayBuffer()) });
      } else {
        errors.push({ field: name, message: 'is not a known part (expected metadata and pofiles documents)' });
      }
    }
  } else {
    const content = new Uint8Array(await request.arrayBuffer());
    if (content.byteLength > MAX_BODY_BYTES) return tooLarge(content.byteLength);
    metadata = Object.fromEntries(request.query.entries());
    const disposition = /filename="?([^";]+)"?/i.exec(request.headers.get('content-disposition') ?? '')?.[1];
    const fileName = request.query.get('fileName') ?? disposition ?? 'purchase-order.pdf';
    delete metadata.fileName;
    // The function key travels in the query in Azure (?code=); it is not purchase-order metadata.
    delete metadata.code;
    if (content.byteLength > 0) files.push({ fileName, contentType, content });
  }

  const checked = checkMetadata(metadata, errors);
  if (files.length === 0) errors.push({ field: 'pofiles', message: 'at least one purchase-order document is required (Partner Center 900252 without it)' });
  if (files.length > PURCHASE_ORDER_LIMITS.maxFiles) errors.push({ field: 'pofiles', message: `at most ${PURCHASE_ORDER_LIMITS.maxFiles} documents per upload (got ${files.length})` });
  for (const [index, file] of files.entries()) {
    const refused = checkFile(file, `pofiles[${index}]`, errors);
    if (refused) return { ok: false, response: refused };
  }
  if (errors.length > 0 || checked === undefined) return invalid(errors);
  return { ok: true, upload: { ...checked, files } };
}

/** One MS-RequestId per (instance, Partner Center order, documents and metadata): a retried upload is the same request. */
function uploadRequestId(instanceId: string, partnerCenterOrderId: string, upload: PurchaseOrderUpload): string {
  const hash = createHash('sha256').update(JSON.stringify({ ...upload, files: upload.files.map((f) => f.fileName) }));
  for (const file of upload.files) hash.update(file.content);
  return deterministicUuid(instanceId, 'purchaseOrder', partnerCenterOrderId, hash.digest('hex'));
}

export interface PurchaseOrderHttpDeps {
  partnerCenter: Pick<PartnerCenterClient, 'uploadPurchaseOrder'>;
  getClient: (context: InvocationContext) => OrderInstances;
}

export function createPurchaseOrderHandler(deps: PurchaseOrderHttpDeps) {
  // A Durable outage after an upload went through is a 503 too: a retry re-sends the same upload, the same MS-RequestId.
  return answeringDurableOutage('POST /orders/{orderId}/purchase-order', async function purchaseOrderHttp(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
    const route = routeOrderId(request);
    if (!route.ok) return route.response;
    const { orderId } = route;
    const client = deps.getClient(context);
    const instanceId = orderInstanceId(orderId);
    const found = await findInstance(client, instanceId);
    if (!found) return problem(404, `no order with id ${orderId}`);
    const custom = (found.customStatus ?? null) as Partial<OrderCustomStatus> | null;
    const waiting = (custom?.orders ?? []).filter((o) => o.status === PURCHASE_ORDER_WAIT).map((o) => o.id);
    const runtimeStatus = String(found.runtimeStatus);
    if (waiting.length === 0 || !['Running', 'Pending', 'ContinuedAsNew'].includes(runtimeStatus)) {
      const statuses = (custom?.orders ?? []).map((o) => `${o.id}: ${o.status}`).join(', ') || 'none yet';
      return problem(409, `order ${orderId} has no Partner Center order waiting for a purchase order (runtime status ${runtimeStatus}; orders ${statuses})`);
    }
    const parsed = await readUpload(request);
    if (!parsed.ok) return parsed.response;
    // The customer id is in the orchestration's input, which only this read asks for.
    const withInput = await client.getStatus(instanceId, { showInput: true });
    const customerId = (withInput.input as Partial<ProcessOrderInput> | null)?.request?.customerId;
    if (typeof customerId !== 'string') return problem(409, `order ${orderId} has no customer in its workflow input; it cannot take a purchase order`);

    const uploaded: { partnerCenterOrderId: string; attachments: { attachmentId: string; fileName: string }[] }[] = [];
    for (const partnerCenterOrderId of waiting) {
      const ctx = { requestId: uploadRequestId(instanceId, partnerCenterOrderId, parsed.upload), correlationId: requestIds.correlation(instanceId) };
      try {
        const attachments = await deps.partnerCenter.uploadPurchaseOrder(customerId, partnerCenterOrderId, parsed.upload, ctx);
        uploaded.push({ partnerCenterOrderId, attachments: attachments.map(({ attachmentId, fileName }) => ({ attachmentId, fileName })) });
      } catch (error) {
        const failure = describeFailure(error);
        if (failure === undefined) throw error;
        context.warn(`POST /orders/${orderId}/purchase-order: Partner Center order ${partnerCenterOrderId}: ${error instanceof Error ? error.message : String(error)}`);
        // Orders already uploaded are still announced, so the workflow polls them.
        if (uploaded.length > 0) await client.raiseEvent(instanceId, PURCHASE_ORDER_UPLOADED_EVENT, { partnerCenterOrderIds: uploaded.map((u) => u.partnerCenterOrderId) });
        const body = { error: `Partner Center did not take the purchase order for order ${partnerCenterOrderId}: ${failure.message}`, reason: failure.reason, code: failure.code ?? null, uploaded };
        if (failure.reason === 'throttled') return json(429, body, { 'Retry-After': String(failure.retryAfterSeconds ?? 30) });
        if (failure.reason === 'unavailable' || failure.reason === 'credentialsUnavailable') return json(503, body, { 'Retry-After': '30' });
        return json(failure.status !== undefined && failure.status >= 400 && failure.status < 500 ? 400 : 502, body);
      }
    }
    await client.raiseEvent(instanceId, PURCHASE_ORDER_UPLOADED_EVENT, { partnerCenterOrderIds: uploaded.map((u) => u.partnerCenterOrderId) });
    context.log(`POST /orders/${orderId}/purchase-order: uploaded to Partner Center order(s) ${waiting.join(', ')}`);
    // The order's own status path: this route's path without its last segment (never the Host header).
    const statusUrl = new URL(request.url).pathname.replace(/\/purchase-order\/?$/i, '');
    return json(200, { orderId, uploaded, statusUrl });
  });
}

export function registerPurchaseOrderHttp(partnerCenter: PurchaseOrderHttpDeps['partnerCenter'], auth: ApiAuthMode = 'functionKeys'): void {
  app.http('purchaseOrderHttp', {
    route: 'orders/{orderId}/purchase-order',
    methods: ['POST'],
    extraInputs: [df.input.durableClient()],
    ...protectHttp(auth, API_ROLES.submit, createPurchaseOrderHandler({ partnerCenter, getClient: (context) => df.getClient(context) })),
  });
}
