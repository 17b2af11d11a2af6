/**
 * Rights per entity, as Service Bus grants them. A SAS policy (shared access authorization rule) on the namespace or
 * on one queue or topic carries rights out of Listen, Send and Manage, and Manage includes the other two
 * (learn.microsoft.com/azure/service-bus-messaging/service-bus-sas). An Entra principal holds what its Azure role
 * assignments give it at their scope: Data Owner everything, Data Sender Send, Data Receiver Listen
 * (learn.microsoft.com/azure/service-bus-messaging/authenticate-application). A scope covers the entity and what lies
 * under it (a topic's subscriptions, a queue's dead-letter queue).
 */
import type { AmqpError } from 'rhea';
import { trackingSuffix } from './amqpErrors';

export type AccessRight = 'Manage' | 'Send' | 'Listen';
export const ACCESS_RIGHTS: readonly AccessRight[] = ['Manage', 'Send', 'Listen'];

export const SERVICE_BUS_DATA_ROLES = {
  'Azure Service Bus Data Owner': ['Manage', 'Send', 'Listen'],
  'Azure Service Bus Data Sender': ['Send'],
  'Azure Service Bus Data Receiver': ['Listen'],
} as const satisfies Record<string, readonly AccessRight[]>;
export type ServiceBusDataRole = keyof typeof SERVICE_BUS_DATA_ROLES;

/** An Azure RBAC role assignment: `principalId` is the principal's object id, the `oid` of its tokens. */
export interface ServiceBusRoleAssignment {
  principalId: string;
  role: ServiceBusDataRole;
  /** A queue, topic or subscription path; left out, the whole namespace. */
  entityPath?: string;
}

/** What one accepted token allows: rights at a scope ("" = the namespace). */
export interface Grant {
  scope: string;
  rights: ReadonlySet<AccessRight>;
}

export function normaliseScope(path: string | undefined): string {
  return (path ?? '').trim().replace(/^\/+|\/+$/g, '').toLowerCase();
}

export function covers(scope: string, path: string): boolean {
  return scope === '' || path === scope || path.startsWith(`${scope}/`);
}

/** Manage includes Send and Listen, as it does for a SAS policy. */
export function withImpliedRights(rights: Iterable<AccessRight>): Set<AccessRight> {
  const set = new Set(rights);
  if (set.has('Manage')) {
    set.add('Send');
    set.add('Listen');
  }
  return set;
}

export function grantsForPrincipal(objectId: string, assignments: readonly ServiceBusRoleAssignment[]): Grant[] {
  return assignments
    .filter((a) => a.principalId.toLowerCase() === objectId.toLowerCase())
    .map((a) => ({ scope: normaliseScope(a.entityPath), rights: withImpliedRights(SERVICE_BUS_DATA_ROLES[a.role]) }));
}

/** Checks role assignments at start, so a typo in a role name is a clear error rather than a silent lack of rights. */
export function validateRoleAssignments(assignments: readonly ServiceBusRoleAssignment[]): void {
  assignments.forEach((a, index) => {
    if (typeof a.principalId !== 'string' || a.principalId.trim() === '') throw new Error(`entraId.roleAssignments[${index}].principalId must be the principal's object id (oid).`);
    if (!(a.role in SERVICE_BUS_DATA_ROLES)) {
      throw new Error(`entraId.roleAssignments[${index}].role ${JSON.stringify(a.role)} is not one of: ${Object.keys(SERVICE_BUS_DATA_ROLES).join(', ')}.`);
    }
  });
}

/**
 * The refusal of a link or operation without the right claim, in Service Bus's words: "Unauthorized access. 'Send'
 * claim(s) are required to perform this operation. Resource: 'sb://…'." (Azure/azure-service-bus#354,
 * Azure/azure-sdk-for-java#27831, Azure-Samples/azure-spring-boot-samples#757). The SDK maps the condition to
 * UnauthorizedAccess (core-amqp errors.js, service-bus serviceBusError.js).
 */
export function claimsRequired(rights: readonly AccessRight[], resource: string): AmqpError {
  return {
    condition: 'amqp:unauthorized-access',
    description: `Unauthorized access. '${rights.join(',')}' claim(s) are required to perform this operation. Resource: '${resource}'.${trackingSuffix()}`,
  };
}
