/**
 * CBS put-tokens of type `jwt`: Microsoft Entra access tokens, as a TokenCredential gives the SDK. Service Bus takes
 * only RS256 tokens its tenant's issuer signed, for the resource `https://servicebus.azure.net`
 * (learn.microsoft.com/azure/service-bus-messaging/authenticate-application; the SDK asks for the scope
 * `https://servicebus.azure.net//.default`, `Constants.aadServiceBusScope` in @azure/core-amqp), and within their
 * lifetime. Refusals are 401 with the service's wording (see README).
 */
import { verifyRs256, type KeySet } from '../identity/jwks';
import { trackingSuffix } from './amqpErrors';
import type { ServiceBusRoleAssignment } from './authorization';

/** The resource Entra ID puts in `aud` for the scope `https://servicebus.azure.net//.default`. */
export const SERVICE_BUS_TOKEN_AUDIENCE = 'https://servicebus.azure.net';

export interface EntraTokenTrust {
  /** The issuer's signing keys: the Entra ID stand-in's JWKS (`staticKeySet` or `remoteKeySet` from local/identity/jwks). */
  keys: KeySet;
  /** The namespace's tenant: tokens whose `tid` differs are refused as Service Bus refuses another tenant's issuer. */
  tenantId?: string;
  /**
   * Azure RBAC on the namespace and its entities: what each principal (by object id) may do. A valid token of a
   * principal without an assignment is accepted by CBS, and its links are refused, as in Service Bus.
   */
  roleAssignments?: ServiceBusRoleAssignment[];
}

/** Who a verified token speaks for: Azure RBAC role assignments name the principal by its object id (`oid`). */
export interface EntraPrincipal {
  objectId: string;
  appId?: string;
}

export type EntraTokenCheck = { ok: true; expiresAt: number; principal: EntraPrincipal } | { ok: false; status: 401; description: string };

const refuse = (description: string): EntraTokenCheck => ({ ok: false, status: 401, description: `${description}${trackingSuffix()}` });

const sameAudience = (aud: unknown): boolean => typeof aud === 'string' && aud.replace(/\/+$/, '').toLowerCase() === SERVICE_BUS_TOKEN_AUDIENCE;

export async function checkEntraToken(token: string, trust: EntraTokenTrust | undefined, now = Date.now()): Promise<EntraTokenCheck> {
  // Without the issuer's keys nothing can be verified; a token that cannot be verified is not accepted.
  if (!trust) {
    return refuse("InvalidSignature: this broker has no trusted Entra ID key set (option 'entraId.keys', CLI --jwks-uri), so it accepts no jwt tokens.");
  }
  const verified = await verifyRs256(token, trust.keys);
  if (!verified.ok) {
    const malformed = verified.reason.includes('well-formed');
    return refuse(malformed ? 'MalformedToken: The credentials contained in the authorization header are not in the correct format.' : `InvalidSignature: The token has an invalid signature (${verified.reason}).`);
  }
  const claims = verified.claims;
  if (!sameAudience(claims.aud)) {
    return refuse(`InvalidAudience: Invalid authorization token audience '${String(claims.aud)}'; Service Bus accepts tokens for ${SERVICE_BUS_TOKEN_AUDIENCE}.`);
  }
  if (trust.tenantId !== undefined && String(claims.tid ?? '').toLowerCase() !== trust.tenantId.toLowerCase()) {
    return refuse('InvalidIssuer: Token issuer is invalid.');
  }
  const nowSeconds = now / 1000;
  if (typeof claims.exp !== 'number') return refuse('MalformedToken: the token has no expiry (exp).');
  if (claims.exp <= nowSeconds) return refuse(`ExpiredToken: The token is expired. Expiration time: '${new Date(claims.exp * 1000).toISOString()}'`);
  if (typeof claims.nbf === 'number' && claims.nbf > nowSeconds) return refuse('InvalidToken: The token is not valid yet (nbf).');
  if (typeof claims.oid !== 'string' || claims.oid === '') return refuse('InvalidToken: the token names no principal (oid).');
  return {
    ok: true,
    expiresAt: claims.exp * 1000,
    principal: { objectId: claims.oid.toLowerCase(), ...(typeof claims.appid === 'string' ? { appId: claims.appid } : {}) },
  };
}
