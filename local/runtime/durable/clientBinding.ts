export interface DurableEndpoints {
  /** e.g. http://127.0.0.1:7071/runtime/webhooks/durabletask */
  webhookBaseUrl: string;
  /** e.g. http://127.0.0.1:7071/durabletask/ (must end with '/': the SDK builds URLs with new URL(path, base)). */
  rpcBaseUrl: string;
  taskHubName: string;
  connectionName: string;
  systemKey?: string;
}

const instancePlaceholder = 'INSTANCEID';

function query(endpoints: DurableEndpoints): string {
  const parts = [`taskHub=${encodeURIComponent(endpoints.taskHubName)}`, `connection=${encodeURIComponent(endpoints.connectionName)}`];
  if (endpoints.systemKey) parts.push(`code=${encodeURIComponent(endpoints.systemKey)}`);
  return parts.join('&');
}

/** The management URLs of one instance (HttpManagementPayload), as in the extension's check-status response. */
export function managementUrls(endpoints: DurableEndpoints, instanceId: string) {
  const q = query(endpoints);
  const instanceUrl = `${endpoints.webhookBaseUrl}/instances/${instanceId}`;
  return {
    id: instanceId,
    statusQueryGetUri: `${instanceUrl}?${q}`,
    sendEventPostUri: `${instanceUrl}/raiseEvent/{eventName}?${q}`,
    terminatePostUri: `${instanceUrl}/terminate?reason={text}&${q}`,
    rewindPostUri: `${instanceUrl}/rewind?reason={text}&${q}`,
    purgeHistoryDeleteUri: `${instanceUrl}?${q}`,
    restartPostUri: `${instanceUrl}/restart?${q}`,
    suspendPostUri: `${instanceUrl}/suspend?reason={text}&${q}`,
    resumePostUri: `${instanceUrl}/resume?reason={text}&${q}`,
  };
}

/** The body of the HTTP API's 202 start response (HttpApiHandler: no rewind URI there). */
export function checkStatusBody(endpoints: DurableEndpoints, instanceId: string) {
  const { rewindPostUri: _rewind, ...urls } = managementUrls(endpoints, instanceId);
  return urls;
}

/**
 * The durable client input binding value for Node (the legacy "OrchestratorShim" protocol, BindingHelper.cs):
 * durable-functions' getClient requires taskHubName, creationUrls and managementUrls, and calls rpcBaseUrl.
 */
export function durableClientBindingValue(endpoints: DurableEndpoints) {
  const q = query(endpoints);
  return {
    taskHubName: endpoints.taskHubName,
    creationUrls: {
      createNewInstancePostUri: `${endpoints.webhookBaseUrl}/orchestrators/{functionName}[/{instanceId}]?${q}`,
      createAndWaitOnNewInstancePostUri: `${endpoints.webhookBaseUrl}/orchestrators/{functionName}[/{instanceId}]?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}&${q}`,
    },
    managementUrls: managementUrls(endpoints, instancePlaceholder),
    baseUrl: endpoints.webhookBaseUrl,
    requiredQueryStringParameters: q,
    rpcBaseUrl: endpoints.rpcBaseUrl,
  };
}
