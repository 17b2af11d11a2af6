// The local runtime's Service Bus trigger turns whatever body the SDK delivers into trigger data, without recursion
// limits: the app, not the runtime, decides what a junk message gets.
import { stringifyWithoutRecursion, triggerDataOf } from '../../../local/runtime/serviceBus/serviceBusMessage';

test.each([
  ['null', null],
  ['a number', 1],
  ['a string', 'a'],
  ['an array with holes JSON fills with null', [1, undefined, () => 1, 'x']],
  ['an object with undefined fields and a Date', { a: 1, b: undefined, c: { d: [new Date(0)] } }],
  ['empty containers', [[], {}, [[[]]]]],
  ['escapes', { '"q': '\u2028\u0000' }],
  ['non-finite numbers', [NaN, -0, Infinity]],
])('writes %s exactly as JSON.stringify does', (_name, value) => {
  expect(stringifyWithoutRecursion(value)).toBe(JSON.stringify(value));
});

test('a value nested 200,000 deep becomes JSON trigger data that parses back to the same depth', () => {
  let deep: unknown = [];
  for (let i = 0; i < 200_000; i++) deep = [deep];
  expect(() => JSON.stringify(deep)).toThrow(RangeError);
  const data = triggerDataOf({ body: deep });
  if (!('json' in data) || typeof data.json !== 'string') throw new Error(`expected json trigger data, got ${Object.keys(data)}`);
  expect(data.json.length).toBe(400_002);
  let depth = 0;
  for (let node = JSON.parse(data.json); Array.isArray(node) && node.length > 0; node = node[0]) depth++;
  expect(depth).toBe(200_000);
});

test('a value JSON cannot carry is passed as its text, never thrown', () => {
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  expect(triggerDataOf({ body: cyclic })).toEqual({ string: '[object Object]' });
  expect(triggerDataOf({ body: { n: 10n } })).toEqual({ string: '[object Object]' });
});

test('text bodies are strings and other bytes stay bytes', () => {
  expect(triggerDataOf({ body: Buffer.from('{"a":1}') })).toEqual({ string: '{"a":1}' });
  expect(triggerDataOf({ body: Buffer.from([0xff, 0xfe]) })).toEqual({ bytes: Buffer.from([0xff, 0xfe]) });
});
