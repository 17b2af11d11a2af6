// Nothing in the deployment reads, passes or stores a key, a SAS or a secret: connections are identity-based and the
// Partner Center secret goes to Key Vault by hand, never through a template parameter.
import fs from 'node:fs';
import path from 'node:path';
import { readBicep } from './support/bicepFile';
import { scan } from './support/bicepText';
import { INFRA_DIR, MAIN_BICEP, bicepFiles, listFiles, readRepoJson, repoPath } from './support/repo';

const DEPLOYMENT_FILES = [...listFiles(INFRA_DIR), repoPath('azure.yaml'), repoPath('host.json'), repoPath('.funcignore')];

/** File text without Bicep comments (comments may explain what is *not* done). */
const codeOf = (file: string) => {
  const text = fs.readFileSync(file, 'utf8');
  return file.endsWith('.bicep') ? scan(text).clean : text;
};

const hits = (pattern: RegExp, allowed: RegExp[] = []) =>
  DEPLOYMENT_FILES.flatMap((file) =>
    codeOf(file)
      .split('\n')
      .filter((line) => pattern.test(line) && !allowed.some((ok) => ok.test(line)))
      .map((line) => `${path.relative(repoPath(), file)}: ${line.trim()}`),
  );

describe('the deployment files', () => {
  it('are found', () => {
    expect(DEPLOYMENT_FILES.filter((f) => f.endsWith('.bicep')).length).toBeGreaterThanOrEqual(5);
  });

  it('never call listKeys or list* secrets functions', () => {
    expect(hits(/\blist(Keys|AccountSas|ServiceSas|Secrets|ConnectionStrings)\b/i)).toEqual([]);
  });

  it('contain no shared access key, account key or storage connection string', () => {
    expect(hits(/SharedAccessKey|SharedAccessSignature|AccountKey|DefaultEndpointsProtocol|UseDevelopmentStorage/i)).toEqual([]);
  });

  it('mention connection strings only where they carry no secret', () => {
    const allowed = [
      // App Insights: ingestion endpoint + resource id; local auth is off, so writing needs an Entra token.
      /^\s*APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsights\.properties\.ConnectionString$/,
      // Durable Task Scheduler: endpoint, Authentication=ManagedIdentity and the identity's client id.
      /^\s*DURABLE_TASK_SCHEDULER_CONNECTION_STRING: 'Endpoint=\$\{schedulerEndpoint\};Authentication=ManagedIdentity;ClientID=\$\{identityClientId\}'$/,
      /^\s*AzureFunctionsJobHost__extensions__durableTask__storageProvider__connectionStringName: 'DURABLE_TASK_SCHEDULER_CONNECTION_STRING'$/,
    ];
    expect(hits(/connection_?string/i, allowed)).toEqual([]);
  });

  it('declare no secure or secret-valued parameter: the Partner Center secret is never a template input', () => {
    const problems: string[] = [];
    for (const file of bicepFiles()) {
      for (const param of readBicep(file).params.values()) {
        if (param.decorators.some((d) => d.startsWith('@secure'))) problems.push(`${file}: @secure ${param.name}`);
        // A name, or a yes/no about the secret, cannot carry its value.
        if (/secret|password|sas|credential/i.test(param.name) && !/Name$/.test(param.name) && param.type !== 'bool') problems.push(`${file}: ${param.name}`);
      }
    }
    expect(problems).toEqual([]);
    expect(readBicep(MAIN_BICEP).params.has('partnerCenterSecretName')).toBe(true);
  });

  it('fill the parameter file only from azd environment values', () => {
    const parameters = readRepoJson<{ parameters: Record<string, { value: unknown }> }>('infra', 'main.parameters.json').parameters;
    const literal = Object.entries(parameters).filter(([, { value }]) => typeof value !== 'string' || !/^\$\{[A-Z_]+(=[\w.-]*)?\}$/.test(value));
    expect(literal).toEqual([]);
  });
});
