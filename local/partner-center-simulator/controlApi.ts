// Inspection and control over HTTP, under /_simulator (no real Partner Center path starts with it). No auth, no
// throttling, no faults and no request-log entries here: it drives the simulator, it is not part of the service.
//   GET   /_simulator/counts[?customerId=…]        carts, orders, checkouts (total and per customer)
//   POST  /_simulator/reset                        back to the start configuration
//   GET   /_simulator/clock                        {now, nowMs, offsetMs}
//   POST  /_simulator/clock/advance                {"by":"15m"} or {"ms":900000}
//   GET   /_simulator/knobs   PATCH /_simulator/knobs {partial knobs}
//   GET   /_simulator/catalog PUT /_simulator/catalog/{catalogItemId} {"behaviour":{…}, …definition fields}
//   GET   /_simulator/requests                     the request log
//   POST  /_simulator/requests/forget              forget stored MS-RequestId answers
//   GET   /_simulator/customers  POST /_simulator/customers {"customerIds":[…]}  the partner's customers / add some
//   GET   /_simulator/customers/{id}/orders        the ledger: each order with the cart it came from
//   GET   /_simulator/throttling                   admitted and refused calls per tenant, operation and minute
import { SimulatorConfigError } from './knobs';
import { isObject } from './requestFields';
import { json, type SimResponse } from './responses';
import type { SimulatorControls } from './runtime';
import { parseJsonBody } from './serviceContext';

export const CONTROL_PREFIX = '/_simulator';

const problem = (status: number, description: string, data: string[] = []): SimResponse => ({
  status,
  body: { code: status, description, data, source: 'PartnerCenterSimulator' },
});

function withBody(body: string, run: (value: Record<string, unknown>) => SimResponse): SimResponse {
  const parsed = parseJsonBody(body, 'a JSON object');
  if ('error' in parsed) return parsed.error;
  if (!isObject(parsed.value)) return problem(400, 'Expected a JSON object body.');
  return run(parsed.value);
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export function handleControl(controls: SimulatorControls, method: string, path: string, query: URLSearchParams, body: string): SimResponse {
  const route = `${method} ${path.slice(CONTROL_PREFIX.length).replace(/\/$/, '')}`;
  const clock = () => ({ now: new Date(controls.now()).toISOString(), nowMs: controls.now(), offsetMs: controls.clockOffsetMs() });
  try {
    if (route === 'GET /counts') return json(200, controls.counts(query.get('customerId') ?? undefined));
    if (route === 'POST /reset') {
      controls.reset();
      return json(200, { reset: true });
    }
    if (route === 'GET /clock') return json(200, clock());
    if (route === 'POST /clock/advance') return withBody(body, (v) => (controls.advanceClock((v.by ?? v.ms) as string | number), json(200, clock())));
    if (route === 'GET /knobs') return json(200, controls.knobs());
    if (route === 'PATCH /knobs' || route === 'POST /knobs') return withBody(body, (v) => json(200, controls.setKnobs(v)));
    if (route === 'GET /catalog') return json(200, controls.catalog());
    const catalogItem = /^PUT \/catalog\/(.+)$/.exec(route);
    if (catalogItem)
      return withBody(body, ({ behaviour, ...definition }) => json(200, controls.setCatalogItem(safeDecode(catalogItem[1]), (behaviour ?? {}) as never, definition)));
    if (route === 'GET /requests') return json(200, controls.requestLog());
    if (route === 'POST /requests/forget') {
      controls.forgetRequestIds();
      return json(200, { forgotten: true });
    }
    if (route === 'GET /customers') return json(200, { knownCustomers: controls.knobs().knownCustomers });
    if (route === 'POST /customers') return withBody(body, (v) => json(200, { knownCustomers: controls.addCustomers(v.customerIds as string[]) }));
    const ledger = /^GET \/customers\/([^/]+)\/orders$/.exec(route);
    if (ledger) return json(200, controls.orders(safeDecode(ledger[1])));
    if (route === 'GET /throttling') return json(200, controls.throttling());
  } catch (err) {
    if (err instanceof SimulatorConfigError) return problem(400, err.message, err.problems);
    throw err;
  }
  return problem(404, `Unknown control endpoint ${method} ${path}. Known: GET counts, POST reset, GET clock, POST clock/advance, GET|PATCH knobs, GET catalog, PUT catalog/{id}, GET requests, POST requests/forget, GET|POST customers, GET customers/{id}/orders, GET throttling (all under ${CONTROL_PREFIX}).`);
}
