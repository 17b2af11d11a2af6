import { oneAtATime } from '../../../local/runtime/serviceBus/serviceBusTriggers';

// The runtime's Service Bus trigger settles a receiver's messages through oneAtATime, so that no two dispositions are
// ever queued in the same pass (see serviceBusTriggers.ts for the rhea merge it avoids).
test('each settlement starts only after the one before has ended, failed or not, in the order they were asked for', async () => {
  const serial = oneAtATime();
  const events: string[] = [];
  const releases: (() => void)[] = [];
  const settlement = (name: string, fails = false) => () =>
    new Promise<string>((resolve, reject) => {
      events.push(`start ${name}`);
      releases.push(() => {
        events.push(`end ${name}`);
        if (fails) reject(new Error(`${name} failed`));
        else resolve(name);
      });
    });
  const complete = serial(settlement('complete-1'));
  const abandon = serial(settlement('abandon-2', true));
  const complete3 = serial(settlement('complete-3'));
  await new Promise((resolve) => setImmediate(resolve));
  expect(events).toEqual(['start complete-1']);
  releases[0]();
  await expect(complete).resolves.toBe('complete-1');
  await new Promise((resolve) => setImmediate(resolve));
  expect(events).toEqual(['start complete-1', 'end complete-1', 'start abandon-2']);
  releases[1]();
  await expect(abandon).rejects.toThrow('abandon-2 failed');
  await new Promise((resolve) => setImmediate(resolve));
  releases[2]();
  await expect(complete3).resolves.toBe('complete-3');
  expect(events).toEqual(['start complete-1', 'end complete-1', 'start abandon-2', 'end abandon-2', 'start complete-3', 'end complete-3']);
});
