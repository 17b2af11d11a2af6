// Case-insensitive reading of request JSON. The docs' new-commerce example sends PascalCase (`LineItems`,
// `CatalogItemId`, `BillingCycle: "Monthly"`) and the service accepts it, so the simulator does too.

export type JsonObject = Record<string, unknown>;

export const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The value of `name` in `obj`, whatever the case of the property name. */
export function field(obj: JsonObject, name: string): unknown {
  if (name in obj) return obj[name];
  const lower = name.toLowerCase();
  const key = Object.keys(obj).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : obj[key];
}

/** "OneTime", "ONE_TIME", "one_time" → "one_time"; "Monthly" → "monthly". */
export function enumValue(value: string): string {
  return value.trim().replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}
