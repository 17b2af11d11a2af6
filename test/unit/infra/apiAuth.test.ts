// API_AUTH=entraId in the templates: App Service authentication (authsettingsV2) only in that mode, requiring an
// Entra ID token for the API (Return401, this tenant's issuer, the API's audience), and the app told the mode.
// Property names follow the Microsoft.Web/sites/config 'authsettingsV2' reference
// (learn.microsoft.com/azure/templates/microsoft.web/sites/config-authsettingsv2).
import fs from 'node:fs';
import path from 'node:path';
import { readBicep } from './support/bicepFile';
import { at, textOf, type BicepValue } from './support/bicepValues';
import { API_BICEP, MAIN_BICEP } from './support/repo';

const api = readBicep(API_BICEP);
const main = readBicep(MAIN_BICEP);
const auth = [...api.resources.values()].find((r) => r.type === 'Microsoft.Web/sites/config' && textOf(at(r.body, 'name')) === 'authsettingsV2');
const items = (value: BicepValue | undefined) => (value?.kind === 'array' ? value.items.map(textOf) : undefined);

test('the authsettingsV2 resource exists and is deployed only when apiAuth is entraId', () => {
  expect(auth).toBeDefined();
  expect(auth!.condition?.replace(/\s+/g, ' ')).toBe("apiAuth == 'entraId'");
  expect(auth!.existing).toBe(false);
});

test('it requires authentication and answers 401 to a request without a valid token (no login redirect)', () => {
  expect(textOf(at(auth!.body, 'properties', 'platform', 'enabled'))).toBe('true');
  expect(textOf(at(auth!.body, 'properties', 'globalValidation', 'requireAuthentication'))).toBe('true');
  expect(textOf(at(auth!.body, 'properties', 'globalValidation', 'unauthenticatedClientAction'))).toBe('Return401');
  expect(textOf(at(auth!.body, 'properties', 'login', 'tokenStore', 'enabled'))).toBe('false');
});

test("the Entra ID provider validates the API's app registration, this tenant's v2 issuer and the API audience", () => {
  const aad = at(auth!.body, 'properties', 'identityProviders', 'azureActiveDirectory');
  expect(textOf(at(aad, 'enabled'))).toBe('true');
  expect(textOf(at(aad, 'registration', 'clientId'))).toBe('apiAppClientId');
  expect(textOf(at(aad, 'registration', 'openIdIssuer'))).toBe('${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0');
  expect(items(at(aad, 'validation', 'allowedAudiences'))).toEqual(["empty(apiAudience) ? 'api://${apiAppClientId}' : apiAudience"]);
});

test('the mode is a parameter (functionKeys by default) carried from azd to the app setting API_AUTH', () => {
  for (const file of [api, main]) {
    const param = file.params.get('apiAuth');
    expect(param?.decorators.join(' ')).toMatch(/@allowed\(\[\s*'functionKeys'\s*'entraId'\s*\]\)/);
    expect(textOf(param?.defaultValue)).toBe('functionKeys');
  }
  expect(textOf(at(api.vars.get('appConfigSettings')?.value, 'API_AUTH'))).toBe('apiAuth');
  const passed = at(main.modules.get('api')?.body, 'params');
  expect(['apiAuth', 'apiAppClientId', 'apiAudience'].map((p) => textOf(at(passed, p)))).toEqual(['apiAuth', 'apiAppClientId', 'apiAudience']);
  const parameters = JSON.parse(fs.readFileSync(path.join(path.dirname(MAIN_BICEP), 'main.parameters.json'), 'utf8')).parameters;
  expect(parameters.apiAuth.value).toBe('${API_AUTH=functionKeys}');
  expect(parameters.apiAppClientId.value).toBe('${API_APP_CLIENT_ID}');
});
