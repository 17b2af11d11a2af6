/**
 * The `$cbs` node: claims-based security. The SDK puts a token for each entity audience before attaching a link;
 * the broker checks it and remembers the audience as authorised on that connection.
 */
import type { Message } from 'rhea';
import type { ConnectionState } from './connectionState';
import { grantsForPrincipal } from './authorization';
import { checkEntraToken, type EntraTokenTrust } from './entraToken';
import { checkSasToken, type SharedAccessKey, type TokenCheck } from './sasToken';

export const CBS_ADDRESS = '$cbs';

export interface CbsDeps {
  keys: SharedAccessKey[];
  /** Whose signatures `jwt` tokens must carry; none = every `jwt` token is refused. */
  entraId?: EntraTokenTrust;
  log: (line: string) => void;
}

function status(code: number, description: string, request: Message): Message {
  return {
    correlation_id: request.message_id,
    application_properties: { 'status-code': code, 'status-description': description },
    body: undefined,
  };
}

export async function handleCbsRequest(request: Message, connection: ConnectionState, deps: CbsDeps): Promise<Message> {
  const props = (request.application_properties ?? {}) as Record<string, unknown>;
  if (props.operation !== 'put-token') {
    return status(400, `Bad request: $cbs supports only the operation "put-token", got ${JSON.stringify(props.operation)}.`, request);
  }
  const audience = props.name;
  const type = props.type;
  const token = request.body;
  if (typeof audience !== 'string' || typeof token !== 'string') {
    return status(400, 'Bad request: put-token needs application property "name" (the audience) and a string token as the body.', request);
  }
  let check: TokenCheck;
  if (type === 'servicebus.windows.net:sastoken') check = checkSasToken(token, audience, deps.keys);
  else if (type === 'jwt') {
    const entra = await checkEntraToken(token, deps.entraId);
    check = entra.ok ? { ok: true, expiresAt: entra.expiresAt, grants: grantsForPrincipal(entra.principal.objectId, deps.entraId?.roleAssignments ?? []) } : entra;
  } else return status(400, `Bad request: token type ${JSON.stringify(type)} is not "servicebus.windows.net:sastoken" or "jwt".`, request);
  if (!check.ok) {
    deps.log(`CBS put-token refused for ${audience}: ${check.description}`);
    return status(check.status, check.description, request);
  }
  connection.authorise(audience, check.expiresAt, check.grants);
  return status(202, 'Accepted', request);
}
