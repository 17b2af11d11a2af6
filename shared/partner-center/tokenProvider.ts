/**
 * Supplies bearer tokens for Partner Center. The client asks for a token on every request and reports a token the
 * service refused (401) so that a cached token is dropped once and a fresh one is fetched.
 * The real implementation (app credentials whose secret lives in Key Vault) is in shared/credentials/.
 */
export interface PartnerCenterTokenProvider {
  getToken(): Promise<string>;
  /** The service rejected this token: forget it if it is the cached one. */
  invalidate(token: string): void;
}

/** A fixed token, for tools and local runs against a simulator that accepts any bearer token. */
export function staticTokenProvider(token: string): PartnerCenterTokenProvider {
  return { getToken: async () => token, invalidate: () => undefined };
}
