// One page of the Durable instance query, with the backend's own filters and paging: the Durable extension's
// `GET .../instances?runtimeStatus=&createdTimeFrom=&createdTimeTo=&instanceIdPrefix=&top=&showInput=` with the
// `x-ms-continuation-token` header (HttpApiHandler.HandleGetStatusRequestAsync in azure-functions-durable-extension).
// durable-functions 3.5.0's getStatusBy/getStatusAll follow every continuation token to the end (a full scan) and
// pass neither `top` nor `instanceIdPrefix`, so the list API calls the same endpoint the SDK calls, one page at a time:
// the binding's rpcBaseUrl (the extension's local endpoint on the host), or else the binding's management URL.
// Errors never carry the URL: the management URL holds the Durable system key.

import type { DurableOrchestrationStatus } from 'durable-functions';

export interface InstanceQuery {
  runtimeStatus?: string[];
  createdTimeFrom?: Date;
  createdTimeTo?: Date;
  instanceIdPrefix?: string;
  top: number;
  showInput: boolean;
  continuationToken?: string;
}

export interface InstancePage {
  instances: DurableOrchestrationStatus[];
  /** The backend's token for the next page; null at the end. */
  continuationToken: string | null;
}

export type QueryInstancePage = (query: InstanceQuery) => Promise<InstancePage>;

/** The instance query answered something other than 200; the URL (it may hold the Durable system key) is left out. */
export class InstanceQueryError extends Error {
  constructor(readonly status: number) {
    super(`the Durable instance query answered HTTP ${status}`);
    this.name = 'InstanceQueryError';
  }
}

/** The parts of the durable client binding value (OrchestrationClientInputData) this query reads. */
interface ClientBindingData {
  rpcBaseUrl?: string;
  managementUrls?: { id?: string; statusQueryGetUri?: string };
}

function listUrl(binding: ClientBindingData, query: InstanceQuery): URL {
  let url: URL;
  if (binding.rpcBaseUrl) {
    url = new URL('instances/', binding.rpcBaseUrl);
  } else if (binding.managementUrls?.statusQueryGetUri && binding.managementUrls.id) {
    // The same substitution the SDK makes for getStatusAll without an rpcBaseUrl: the instance id left empty.
    url = new URL(binding.managementUrls.statusQueryGetUri.replace(binding.managementUrls.id, ''));
  } else {
    throw new Error('the durable client binding has neither rpcBaseUrl nor a status query URL');
  }
  const params = url.searchParams;
  if (query.runtimeStatus?.length) params.set('runtimeStatus', query.runtimeStatus.join(','));
  if (query.createdTimeFrom) params.set('createdTimeFrom', query.createdTimeFrom.toISOString());
  if (query.createdTimeTo) params.set('createdTimeTo', query.createdTimeTo.toISOString());
  if (query.instanceIdPrefix) params.set('instanceIdPrefix', query.instanceIdPrefix);
  params.set('top', String(query.top));
  params.set('showInput', String(query.showInput));
  return url;
}

export function createInstancePageQuery(bindingValue: unknown): QueryInstancePage {
  const binding = (typeof bindingValue === 'string' ? JSON.parse(bindingValue) : bindingValue) as ClientBindingData;
  return async (query) => {
    const url = listUrl(binding, query);
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (query.continuationToken) headers['x-ms-continuation-token'] = query.continuationToken;
    const response = await fetch(url, { headers });
    if (response.status !== 200) {
      await response.body?.cancel();
      throw new InstanceQueryError(response.status);
    }
    const instances = (await response.json()) as DurableOrchestrationStatus[];
    // The extension always sets the header; an empty (or "null") value means the last page.
    const next = response.headers.get('x-ms-continuation-token');
    return { instances, continuationToken: next && next !== 'null' ? next : null };
  };
}
