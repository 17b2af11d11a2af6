// GET /api/contracts/{name}: the published contracts (contracts/ at the app root: the OpenAPI document and the JSON
// Schemas of the order request and of the results messages), served as they are in the repository, so an ERP team
// reads the same documents the tests check every end-to-end answer and message against.

import fs from 'node:fs';
import path from 'node:path';
import { app, HttpResponse, type HttpRequest, type HttpResponseInit } from '@azure/functions';
import { problem } from './httpResponses';
import type { ApiAuthMode } from '../shared/config';
import { API_ROLES, protectHttp } from './apiAuth';

export const CONTRACT_FILES = ['openapi.json', 'order-request.schema.json', 'result-message.schema.json'] as const;

/** The contracts folder: beside functions/ in the sources, two levels up from dist/functions/ when compiled. */
export function findContractsFolder(from: string = __dirname): string | undefined {
  for (let dir = from, i = 0; i < 4; i++, dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'contracts');
    if (fs.existsSync(path.join(candidate, 'openapi.json'))) return candidate;
  }
  return undefined;
}

export function createContractsHandler(folder: string | undefined = findContractsFolder()) {
  // Read once: the documents are part of the deployed package and never change while the app runs.
  const documents = new Map<string, string>();
  if (folder) for (const name of CONTRACT_FILES) documents.set(name, fs.readFileSync(path.join(folder, name), 'utf8'));
  return async function contractsHttp(request: HttpRequest): Promise<HttpResponseInit> {
    const name = request.params.name ?? '';
    const text = documents.get(name);
    if (text === undefined) return problem(404, `no contract named ${JSON.stringify(name.slice(0, 100))}; there are ${CONTRACT_FILES.join(', ')}`);
    const contentType = name === 'openapi.json' ? 'application/json' : 'application/schema+json';
    return new HttpResponse({ status: 200, body: text, headers: { 'Content-Type': contentType, 'Cache-Control': 'no-cache' } });
  };
}

export function registerContractsHttp(auth: ApiAuthMode = 'functionKeys'): void {
  app.http('contractsHttp', { route: 'contracts/{name}', methods: ['GET'], ...protectHttp(auth, API_ROLES.read, createContractsHandler()) });
}
