// The orders page in a real browser: headless Chromium (Debian's `chromium` package, which .ci/run installs) driven by
// playwright-core, against the whole app in the local runtime. It sees an order move to completed, filters to a failed
// order, cancels an order before checkout, and saves a screenshot under artifacts/ (gitignored).
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { M365_E3, validOrder } from '../fixtures/orders/requests';
import { customerIdFor, postJson, REPO_ROOT, runOrderOverHttp, useE2eStack } from './stack';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = fs.existsSync(CHROMIUM);
const ARTIFACTS = path.join(REPO_ROOT, 'artifacts');

const suite = hasChromium ? describe : describe.skip;
if (!hasChromium) console.warn(`orders page browser test skipped: no browser at ${CHROMIUM} (install Debian's chromium: apt-get install -y chromium; .ci/run does)`);

suite('the orders page in headless Chromium', () => {
  const stack = useE2eStack({}, { resetSimulatorAfterEach: false });
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(20_000);
    const response = await page.goto(`${stack.runtime.apiBaseUrl}/orders-page?refresh=300`);
    expect(response?.status()).toBe(200);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  const rowOf = (orderId: string) => page.locator(`tr[data-order-id="${orderId}"]`);

  test('an order shows on its timeline while its cart is created, then as completed with its ids', async () => {
    // Cart creation is held at the simulator so the page sees the order before checkout.
    stack.simulator.controls.setKnobs({ faults: [{ kind: 'latency', method: 'POST', path: '/carts$', count: 1, latencyMs: 1500 }] });
    expect((await postJson(`${stack.runtime.apiBaseUrl}/orders`, validOrder({ orderId: 'SO-PAGE-1', customerId: customerIdFor('page-1') }))).status).toBe(202);
    await rowOf('SO-PAGE-1').and(page.locator('[data-stage="creatingCart"]')).waitFor();
    expect(await rowOf('SO-PAGE-1').locator('.timeline .current').textContent()).toBe('cart');
    await rowOf('SO-PAGE-1').and(page.locator('[data-outcome="completed"]')).waitFor();
    const row = rowOf('SO-PAGE-1');
    expect(await row.locator('.outcome').textContent()).toBe('completed');
    expect(await row.locator('.timeline .current').textContent()).toBe('done');
    expect(await row.locator('td.ids').nth(1).textContent()).toMatch(/cart \S+[\s\S]*order \S+ \(completed\): subscriptions \S+/);
    expect(await row.locator('.cancel').count()).toBe(0);
  });

  test('filtering to failed orders shows the failed one, its error in plain words', async () => {
    const failed = await runOrderOverHttp(stack, validOrder({
      orderId: 'SO-PAGE-2', customerId: customerIdFor('page-2'),
      lineItems: [{ catalogItemId: M365_E3, quantity: 1, billingCycle: 'monthly', termDuration: 'P1Y' }, { catalogItemId: 'CFQ7TTC0ZZZZ:0001:CFQ7TTC0ZZZZ', quantity: 2, billingCycle: 'monthly', termDuration: 'P1Y' }],
    }));
    expect(failed.outcome.status).toBe('failed');
    await page.selectOption('select[name="outcome"]', 'failed');
    await page.click('#apply');
    await rowOf('SO-PAGE-2').waitFor();
    await rowOf('SO-PAGE-1').waitFor({ state: 'detached' });
    expect(await page.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-outcome')))).toEqual(['failed']);
    expect(await rowOf('SO-PAGE-2').locator('.problem').textContent()).toMatch(/line item 2 refused|refused/);
  });

  test('an outcome Service Bus does not take yet shows as being published, not as done, until it goes through', async () => {
    await page.selectOption('select[name="outcome"]', '');
    await page.fill('input[name="orderIdPrefix"]', 'SO-PAGE-4');
    await page.click('#apply');
    const outcome = { subject: 'completed', correlationId: 'SO-PAGE-4' };
    stack.broker.controls.failNextSends('order-results', 1_000, 'amqp:resource-limit-exceeded', outcome);
    try {
      expect((await postJson(`${stack.runtime.apiBaseUrl}/orders`, validOrder({ orderId: 'SO-PAGE-4', customerId: customerIdFor('page-4') }))).status).toBe(202);
      await rowOf('SO-PAGE-4').and(page.locator('[data-stage="publishing"]')).waitFor();
      const row = rowOf('SO-PAGE-4');
      expect(await row.locator('.outcome').textContent()).toBe('completed (being published)');
      expect(await row.locator('.timeline .current').textContent()).toBe('publish');
      expect(await row.getAttribute('data-outcome')).toBe('completed');
    } finally {
      stack.broker.controls.reset();
    }
    await rowOf('SO-PAGE-4').and(page.locator('[data-stage="finished"]')).waitFor({ timeout: 60_000 });
    expect(await rowOf('SO-PAGE-4').locator('.outcome').textContent()).toBe('completed');
    expect(await rowOf('SO-PAGE-4').locator('.timeline .current').textContent()).toBe('done');
  }, 90_000);

  test('cancel before checkout: the button sends DELETE and the order ends cancelled', async () => {
    await page.selectOption('select[name="outcome"]', '');
    await page.fill('input[name="orderIdPrefix"]', 'SO-PAGE-3');
    await page.click('#apply');
    stack.simulator.controls.setKnobs({ faults: [{ kind: 'latency', method: 'POST', path: '/carts$', count: 1, latencyMs: 3000 }] });
    expect((await postJson(`${stack.runtime.apiBaseUrl}/orders`, validOrder({ orderId: 'SO-PAGE-3', customerId: customerIdFor('page-3') }))).status).toBe(202);
    await rowOf('SO-PAGE-3').locator('button.cancel').click();
    await rowOf('SO-PAGE-3').and(page.locator('[data-outcome="cancelled"]')).waitFor();
    expect(await rowOf('SO-PAGE-3').locator('.problem').textContent()).toMatch(/cancelled on request/);
    const final = await stack.runtime.waitForInstance('order-SO-PAGE-3', { timeoutMs: 20_000 });
    expect((final.output as { status: string }).status).toBe('cancelled');

    await page.fill('input[name="orderIdPrefix"]', 'SO-PAGE');
    await page.click('#apply');
    await page.locator('tbody tr').nth(2).waitFor();
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const file = path.join(ARTIFACTS, 'orders-page.png');
    await page.screenshot({ path: file, fullPage: true });
    expect(fs.statSync(file).size).toBeGreaterThan(1000);
  });
});
