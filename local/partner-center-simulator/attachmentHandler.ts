// POST /orders/{id}/attachment: the partner's purchase order for an order in `pending_po_upload`
// (attaching-purchase-order-and-completing-po-details.md; reference partner-center-orders-detail.md §1.2).
// - multipart/form-data with a `metadata` part (JSON: customerPrice and currency required, isPartofTender, fxRate,
//   tenderLink) and `pofiles` / `TenderFiles` file parts; part and property names are matched without case (the docs
//   write `pofiles`, the SDK sample `POFiles` and PascalCase metadata);
// - no PO file → 400/900252; tender without link or file → 400/900253; metadata missing or without customerPrice or
//   currency → 400/900254 (error-codes.md);
// - 201 with the collection of attachments (14-hex ids, sizeInKB, POAttachment / TenderAttachment) as in the docs;
// - the docs say nothing about an order that is not waiting for a PO (decision: 400/800002 naming its status) or
//   about file types and sizes (none enforced here).
// The upload moves the order to `po_upload_complete`; from there its review takes `pendingPolls` GETs or
// `settleDelayMs` per step, counted from the upload (orderLifecycle.ts).
import { randomBytes } from 'node:crypto';
import { currentStatus } from './orderLifecycle';
import { field, isObject } from './requestFields';
import { errorResponse, json } from './responses';
import type { ServiceHandler } from './serviceContext';

interface Part {
  name: string;
  fileName?: string;
  size: number;
  text: () => Promise<string>;
}

async function readParts(contentType: string, body: Buffer): Promise<Part[] | undefined> {
  try {
    // undici's multipart reader (Node's fetch Response) parses the form as a browser would send it.
    const form = await new Response(body, { headers: { 'content-type': contentType } }).formData();
    return [...form.entries()].map(([name, value]) =>
      typeof value === 'string'
        ? { name, size: Buffer.byteLength(value), text: async () => value }
        : { name, fileName: value.name, size: value.size, text: () => value.text() },
    );
  } catch {
    return undefined;
  }
}

export const uploadAttachment: ServiceHandler = async (state, request) => {
  const { customerId, orderId } = request.params;
  const order = state.store.getOrder(customerId, orderId);
  if (!order) return errorResponse(404, 20000, `Order ID not found: no order ${orderId} exists for customer ${customerId}.`);
  const contentType = request.headers['content-type'] ?? '';
  if (!/^multipart\/form-data\s*;/i.test(contentType)) return errorResponse(400, 800002, 'Invalid request input: the attachment must be sent as multipart/form-data with a metadata part and pofiles.');
  const parts = await readParts(contentType, request.rawBody);
  if (!parts) return errorResponse(400, 800002, 'Invalid request input: the multipart/form-data body could not be read.');
  const named = (name: string) => parts.filter((p) => p.name.toLowerCase() === name.toLowerCase());

  const metadataPart = named('metadata')[0];
  let metadata: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = metadataPart ? JSON.parse(await metadataPart.text()) : undefined;
    metadata = isObject(parsed) ? parsed : undefined;
  } catch {
    metadata = undefined;
  }
  const present = (name: string) => metadata !== undefined && !['', null, undefined].includes(field(metadata, name) as never);
  if (!present('customerPrice') || !present('currency')) return errorResponse(400, 900254, 'Invalid metadata. (If the customer price, currency is missing).');
  const poFiles = named('pofiles').filter((p) => p.fileName !== undefined && p.size > 0);
  if (poFiles.length === 0) return errorResponse(400, 900252, 'Purchase order document is required.');
  const tenderFiles = named('tenderfiles').filter((p) => p.fileName !== undefined && p.size > 0);
  if (field(metadata!, 'isPartofTender') === true && !present('tenderLink') && tenderFiles.length === 0)
    return errorResponse(400, 900253, 'When part of tender, either tender link or tender document is required.');

  const now = state.clock.now();
  const status = currentStatus(order, now);
  if (status !== 'pending_po_upload')
    return errorResponse(400, 800002, `Invalid request input: order ${order.id} is not waiting for a purchase order (status ${status}).`);

  const attachment = (part: Part, attachmentType: string) => ({
    attachmentId: randomBytes(7).toString('hex'),
    fileName: part.fileName!,
    sizeInKB: Math.ceil(part.size / 1024),
    attachmentType,
  });
  const items = [...poFiles.map((p) => attachment(p, 'POAttachment')), ...tenderFiles.map((p) => attachment(p, 'TenderAttachment'))];
  order.purchaseOrder = { uploadedAt: now, pollsAtUpload: order.polls, attachments: items };
  return json(201, { totalCount: items.length, items, attributes: { objectType: 'Collection' } });
};
