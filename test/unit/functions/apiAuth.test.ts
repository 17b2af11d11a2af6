// The per-function role check of API_AUTH=entraId (functions/apiAuth.ts), over X-MS-CLIENT-PRINCIPAL headers shaped
// as App Service authentication writes them. The e2e suite (test/e2e/entraIdAuth.test.ts) checks the same over the
// local runtime's Easy Auth stand-in with real tokens.
import { HttpRequest, HttpResponse, InvocationContext } from '@azure/functions';
import { API_ROLES, checkApiRole, protectHttp, readClientPrincipal } from '../../../functions/apiAuth';

const ROLE_URI = 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role';

function principalHeader(claims: { typ: string; val: string }[], extra: Record<string, unknown> = {}): string {
  const body = { auth_typ: 'aad', claims, name_typ: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name', role_typ: ROLE_URI, ...extra };
  return Buffer.from(JSON.stringify(body)).toString('base64');
}

const request = (headers: Record<string, string> = {}, method = 'GET') => new HttpRequest({ method, url: 'http://127.0.0.1/api/orders/ERP-1', headers });
const context = () => new InvocationContext({ functionName: 'orderCancelHttp', logHandler: () => undefined });
const errorOf = async (response: HttpResponse | undefined) => ((await response!.json()) as { error: string }).error;

describe('readClientPrincipal', () => {
  test('reads app roles typed `roles` (as Entra ID app roles arrive) and the role_typ URI, without duplicates', () => {
    const header = principalHeader([
      { typ: 'roles', val: 'Orders.Submit' },
      { typ: ROLE_URI, val: 'Orders.Read' },
      { typ: 'roles', val: 'Orders.Read' },
      { typ: 'http://schemas.microsoft.com/identity/claims/objectidentifier', val: '0b8c2d1e-0000-4000-8000-000000000001' },
      { typ: 'aud', val: 'api://orders' },
    ]);
    expect(readClientPrincipal(header)).toEqual({
      ok: true,
      principal: { authType: 'aad', roles: ['Orders.Submit', 'Orders.Read'], objectId: '0b8c2d1e-0000-4000-8000-000000000001' },
    });
  });

  test.each([
    ['missing', undefined, 'no authenticated principal'],
    ['empty', '', 'no authenticated principal'],
    ['not Base64 JSON', Buffer.from('{"auth_typ":').toString('base64'), 'the client principal is not Base64 JSON'],
    ['JSON without claims', Buffer.from(JSON.stringify({ auth_typ: 'aad' })).toString('base64'), 'the client principal has no claims'],
    ['a JSON string', Buffer.from(JSON.stringify('Orders.Cancel')).toString('base64'), 'the client principal has no claims'],
  ])('a %s header is no principal', (_label, header, reason) => {
    expect(readClientPrincipal(header)).toEqual({ ok: false, reason });
  });

  test('claims that are not { typ, val } strings are ignored, not trusted', () => {
    const header = Buffer.from(JSON.stringify({ auth_typ: 'aad', claims: [{ typ: 'roles', val: ['Orders.Cancel'] }, { typ: 'roles' }, 'Orders.Cancel', null] })).toString('base64');
    expect(readClientPrincipal(header)).toEqual({ ok: true, principal: { authType: 'aad', roles: [] } });
  });
});

describe('checkApiRole', () => {
  test('no principal: 401 with a Bearer challenge, naming what is missing', async () => {
    const refused = checkApiRole(request(), API_ROLES.read);
    expect(refused?.status).toBe(401);
    expect(refused?.headers.get('WWW-Authenticate')).toBe('Bearer');
    expect(await errorOf(refused)).toBe('this API requires a Microsoft Entra ID access token for it (Authorization: Bearer); no authenticated principal reached the app');
  });

  test('a principal without the role: 403 naming the role', async () => {
    const header = principalHeader([
      { typ: 'roles', val: 'Orders.Submit' },
      { typ: 'roles', val: 'Orders.Read' },
    ]);
    const refused = checkApiRole(request({ 'x-ms-client-principal': header }), API_ROLES.cancel);
    expect(refused?.status).toBe(403);
    expect(await errorOf(refused)).toBe("the caller does not hold the app role Orders.Cancel, which this operation requires; ask for it to be assigned to the caller's identity");
  });

  test('a principal with the role passes; role names are compared exactly (case matters, as in the token)', () => {
    const header = principalHeader([{ typ: 'roles', val: 'Orders.Cancel' }]);
    expect(checkApiRole(request({ 'X-MS-CLIENT-PRINCIPAL': header }), API_ROLES.cancel)).toBeUndefined();
    const lower = principalHeader([{ typ: 'roles', val: 'orders.cancel' }]);
    expect(checkApiRole(request({ 'x-ms-client-principal': lower }), API_ROLES.cancel)?.status).toBe(403);
  });
});

describe('protectHttp', () => {
  const handler = jest.fn(async () => ({ status: 202, jsonBody: { started: true } }));
  beforeEach(() => handler.mockClear());

  test('function keys: authLevel function and the very same handler (the mode of today, unchanged)', () => {
    const protectedHttp = protectHttp('functionKeys', API_ROLES.cancel, handler);
    expect(protectedHttp.authLevel).toBe('function');
    expect(protectedHttp.handler).toBe(handler);
  });

  test('Entra ID: anonymous for the host; without the role the handler never runs', async () => {
    const protectedHttp = protectHttp('entraId', API_ROLES.cancel, handler);
    expect(protectedHttp.authLevel).toBe('anonymous');
    const erp = principalHeader([
      { typ: 'roles', val: 'Orders.Submit' },
      { typ: 'roles', val: 'Orders.Read' },
    ]);
    const refused = (await protectedHttp.handler(request({ 'x-ms-client-principal': erp }, 'DELETE'), context())) as HttpResponse;
    expect(refused.status).toBe(403);
    const anonymous = (await protectedHttp.handler(request({}, 'DELETE'), context())) as HttpResponse;
    expect(anonymous.status).toBe(401);
    expect(handler).not.toHaveBeenCalled();
  });

  test('Entra ID: with the role the handler runs and its answer is returned as it is', async () => {
    const protectedHttp = protectHttp('entraId', API_ROLES.cancel, handler);
    const operator = principalHeader([{ typ: 'roles', val: 'Orders.Cancel' }]);
    const answer = await protectedHttp.handler(request({ 'x-ms-client-principal': operator }, 'DELETE'), context());
    expect(answer).toEqual({ status: 202, jsonBody: { started: true } });
    expect(handler).toHaveBeenCalledTimes(1);
  });
});
