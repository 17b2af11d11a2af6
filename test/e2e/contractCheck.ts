// Every HTTP answer and every results-topic message the end-to-end suites see is checked against the published
// contracts (contracts/: OpenAPI 3.1 and JSON Schema 2020-12) with Ajv, so the documents cannot drift from the code.
// startE2eStack installs the checks: a wrapper around fetch for the app's /api routes (their answers, and the body of
// every order the app started, which the request schema must describe), and a `contracts`
// subscription on the results topic that no test reads, whose messages are all checked when the stack stops.
import fs from 'node:fs';
import path from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { defaultBrokerConfigDocument } from '../../local/service-bus';

const CONTRACTS = path.resolve(__dirname, '..', '..', 'contracts');
const load = (name: string) => JSON.parse(fs.readFileSync(path.join(CONTRACTS, name), 'utf8')) as Record<string, unknown>;

export const openApi = load('openapi.json') as {
  paths: Record<string, Record<string, { responses?: Record<string, { $ref?: string; content?: Record<string, { schema: unknown }> }> }>>;
  components: { responses: Record<string, { content?: Record<string, { schema: unknown }> }> };
};

export function createContractValidators() {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  ajv.addSchema(load('order-request.schema.json'));
  ajv.addSchema(load('result-message.schema.json'));
  // The OpenAPI document's components, under the document's own name, so `#/components/...` and the sibling files resolve.
  ajv.addSchema({ $id: 'openapi.json', components: openApi.components });
  const byRef = new Map<string, ValidateFunction>();
  const compiled = (schema: unknown): ValidateFunction => {
    const key = JSON.stringify(schema);
    let fn = byRef.get(key);
    if (!fn) {
      const ref = (schema as { $ref?: string }).$ref;
      // A $ref inside the document is relative to it, also inside an inline schema (which gets an id of its own, so
      // its `#/components/...` refs are pointed at the document).
      const inline = JSON.parse(JSON.stringify(schema).replace(/"\$ref":"#\//g, '"$ref":"openapi.json#/')) as object;
      fn = ref?.startsWith('#') ? ajv.compile({ $ref: `openapi.json${ref}` }) : ajv.compile({ $id: `openapi-inline-${byRef.size}.json`, ...inline });
      byRef.set(key, fn);
    }
    return fn;
  };
  const describe = (fn: ValidateFunction) => ajv.errorsText(fn.errors, { separator: '; ' });

  const resultMessage = ajv.getSchema('result-message.schema.json')!;
  const orderRequest = ajv.getSchema('order-request.schema.json')!;
  const orderRequestSchema = load('order-request.schema.json');

  return {
    /** Problems of a results-topic message body (empty when it conforms). */
    checkMessage(body: unknown): string[] {
      return resultMessage(body) ? [] : [describe(resultMessage)];
    },
    checkOrderRequest(body: unknown): string[] {
      return orderRequest(body) ? [] : [describe(orderRequest)];
    },
    /**
     * Problems of a request the app took: it must match the schema once written in its canonical spelling (property
     * names and enumerated values in the schema's case), which is what the schema describes (see its description).
     */
    checkAcceptedOrderRequest(body: unknown): string[] {
      const canonical = canonicalSpelling(orderRequestSchema, orderRequestSchema, body);
      return orderRequest(canonical) ? [] : [describe(orderRequest)];
    },
    /**
     * Problems of one answer of the app: undefined when the route is not the app's API (the Durable webhooks, a path
     * no route matches: the host answers those), else the list of problems (empty when it conforms).
     */
    checkResponse(method: string, apiPath: string, status: number, contentType: string | null, body: unknown): string[] | undefined {
      const template = Object.keys(openApi.paths).find((t) => new RegExp(`^${t.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(apiPath));
      if (!template) return undefined;
      const operation = openApi.paths[template][method.toLowerCase()];
      if (!operation) return undefined;
      let response = operation.responses?.[String(status)];
      if (!response) return [`${method} ${template} answered ${status}, which the OpenAPI document does not list`];
      if (response.$ref) response = openApi.components.responses[response.$ref.split('/').pop()!];
      const content = response.content;
      if (!content) return [];
      const mediaType = (contentType ?? '').split(';')[0].trim();
      if (!content[mediaType]) return [`${method} ${template} ${status} came as ${mediaType || 'no content type'}, the document says ${Object.keys(content).join(', ')}`];
      if (mediaType !== 'application/json') return [];
      const fn = compiled(content[mediaType].schema);
      return fn(body) ? [] : [`${method} ${template} ${status}: ${describe(fn)}`];
    },
  };
}

export type ContractValidators = ReturnType<typeof createContractValidators>;

type Schema = Record<string, unknown>;

/**
 * The value with property names and enumerated strings spelt as the schema spells them, as the app reads them
 * (shared/orders/fieldChecks.ts: names in any case; enums in any case and, like the SDK's enum names, without
 * underscores). Only objects that allow no other properties are renamed: provisioningContext's keys go to Partner
 * Center as given. Anything the schema does not describe is left for the schema to refuse.
 */
export function canonicalSpelling(root: Schema, schema: Schema, value: unknown): unknown {
  const resolve = (s: Schema): Schema => (typeof s.$ref === 'string' && s.$ref.startsWith('#/') ? resolve(s.$ref.slice(2).split('/').reduce((at: Schema, key) => at[key] as Schema, root)) : s);
  const at = resolve(schema);
  const branches = [...((at.oneOf ?? at.anyOf ?? []) as Schema[])].map(resolve);
  const kind = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
  const fits = (s: Schema) => (s.type === kind || (kind === 'string' && Array.isArray(s.enum)) || (kind === 'number' && s.type === 'integer'));
  const branch = branches.find(fits);
  if (branch) return canonicalSpelling(root, branch, value);
  if (Array.isArray(value) && at.items) return value.map((item) => canonicalSpelling(root, at.items as Schema, item));
  if (kind === 'object' && at.properties && at.additionalProperties === false) {
    const properties = at.properties as Record<string, Schema>;
    const byLowerCase = new Map(Object.keys(properties).map((name) => [name.toLowerCase(), name]));
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([key, entry]) => {
        const name = byLowerCase.get(key.toLowerCase()) ?? key;
        return [name, properties[name] ? canonicalSpelling(root, properties[name], entry) : entry];
      }),
    );
  }
  if (typeof value === 'string' && Array.isArray(at.enum)) {
    const plain = (text: string) => text.replace(/_/g, '').toLowerCase();
    return at.enum.find((candidate) => typeof candidate === 'string' && plain(candidate) === plain(value)) ?? value;
  }
  return value;
}

/** The subscription that keeps a copy of every results-topic message for the check at the end of a suite. */
export const CONTRACT_SUBSCRIPTION = 'contracts';

/** The default broker entities plus the `contracts` subscription (a copy of `erp`, which no test reads). */
export function brokerConfigWithContractSubscription(): unknown {
  const doc = JSON.parse(JSON.stringify(defaultBrokerConfigDocument)) as {
    UserConfig: { Namespaces: { Topics: { Name: string; Subscriptions: { Name: string }[] }[] }[] };
  };
  for (const topic of doc.UserConfig.Namespaces[0].Topics) {
    const erp = topic.Subscriptions.find((s) => s.Name === 'erp');
    if (erp) topic.Subscriptions.push({ ...JSON.parse(JSON.stringify(erp)), Name: CONTRACT_SUBSCRIPTION });
  }
  return doc;
}

export interface ContractLedger {
  responses: number;
  messages: number;
  violations: string[];
}

/**
 * Wraps fetch so every answer from `apiBaseUrl` is checked (the body is read from a clone; the caller gets the
 * original). Returns the ledger and a function that restores fetch.
 */
export function recordApiResponses(apiBaseUrl: string, validators: ContractValidators, ledger: ContractLedger): () => void {
  const original = globalThis.fetch;
  const apiPath = new URL(apiBaseUrl).pathname.replace(/\/+$/, '');
  globalThis.fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const response = await original(input, init);
    const url = new URL(typeof input === 'string' || input instanceof URL ? input.toString() : input.url);
    if (!url.href.startsWith(apiBaseUrl) || !url.pathname.startsWith(`${apiPath}/`)) return response;
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const contentType = response.headers.get('content-type');
    const text = await response.clone().text();
    let body: unknown = text;
    if ((contentType ?? '').includes('json') && text) {
      try {
        body = JSON.parse(text);
      } catch {
        ledger.violations.push(`${method} ${url.pathname} ${response.status}: the body is not JSON`);
        return response;
      }
    }
    const route = url.pathname.slice(apiPath.length);
    const problems = validators.checkResponse(method, route, response.status, contentType, body);
    if (problems !== undefined) {
      ledger.responses++;
      ledger.violations.push(...problems.map((p) => `${p} (${url.pathname})`));
    }
    // An order the app started must be one the request schema describes (in its canonical spelling).
    if (method === 'POST' && route === '/orders' && response.status === 202 && typeof init?.body === 'string') {
      let request: unknown;
      try {
        request = JSON.parse(init.body);
      } catch {
        ledger.violations.push(`POST /orders 202: the app started an order from a body that is not JSON`);
        return response;
      }
      ledger.violations.push(...validators.checkAcceptedOrderRequest(request).map((p) => `POST /orders 202 for a request the schema refuses: ${p}`));
    }
    return response;
  };
  return () => {
    globalThis.fetch = original;
  };
}
