// The contracts' enumerations follow the code's own lists, so adding a stage, a wait or an outcome status without
// publishing it fails here at once (the e2e suites catch the rest of the drift on real answers and messages).
import fs from 'node:fs';
import path from 'node:path';
import { STAGES, WAITS } from '../../orchestrations';
import { OUTCOME_STATUSES, REQUESTABLE_BILLING_CYCLES, TERM_DURATIONS } from '../../shared/orders';
import { validOrder } from '../fixtures/orders/requests';
import { createContractValidators } from '../e2e/contractCheck';

const read = (name: string) => JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../contracts', name), 'utf8'));
const openApi = read('openapi.json');
const results = read('result-message.schema.json');
const request = read('order-request.schema.json');

test('outcome statuses, stages, waits, billing cycles and terms are the code\'s', () => {
  expect(results.$defs.outcomeStatus.enum).toEqual([...OUTCOME_STATUSES]);
  const view = openApi.components.schemas.OrderView.properties;
  expect(view.stage.enum.sort()).toEqual(['queued', 'unknown', ...STAGES].sort());
  expect(view.waitingFor.enum.filter((w: string | null) => w !== null).sort()).toEqual([...WAITS].sort());
  expect(request.$defs.lineItem.properties.billingCycle.enum).toEqual([...REQUESTABLE_BILLING_CYCLES]);
  expect(request.$defs.lineItem.properties.termDuration.enum).toEqual([...TERM_DURATIONS]);
});

test('the sample order and the fixtures\' valid order match the order request schema', () => {
  const validators = createContractValidators();
  expect(validators.checkOrderRequest(read('../test/fixtures/orders/sample-order.json'))).toEqual([]);
  expect(validators.checkOrderRequest(validOrder())).toEqual([]);
  expect(validators.checkOrderRequest({ ...validOrder(), extra: 1 })).not.toEqual([]);
});
