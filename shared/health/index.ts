// The app's view of its own dependencies, for the health endpoint (functions/healthHttp.ts).
export { checkDependencies, type DependencyCheck, type DependencyHealthDeps, type DependencyName, type HealthReport } from './dependencyHealth';
