// How Partner Center's (status, code) become a reason: the 403/404 business refusals of a checkout or cart creation
// are refusals naming their code, every other 403 stays "not authorized" and every other 404 "not found".
import {
  PARTNER_CENTER_BUSINESS_REFUSALS,
  PartnerCenterAuthError,
  PartnerCenterBusinessError,
  PartnerCenterNotFoundError,
  isBusinessRefusal,
} from '../../../shared/partner-center/errors';
import { describeFailure } from '../../../shared/orders/failure';

const ids = { operation: 'checkout', requestId: 'r-1', correlationId: 'c-1' };

describe('isBusinessRefusal', () => {
  it.each([
    [403, 13605],
    [403, '13605'],
    [403, 800066],
    [403, 800067],
    [403, 800088],
    [403, 800089],
    [403, 800069],
    [403, 900121],
    [403, 2006],
    [403, 2030],
    [403, 2091],
    [404, 400019],
  ])('is true for %i/%s', (status, code) => expect(isBusinessRefusal(status, code)).toBe(true));

  it.each([
    // The app's access: insufficient privileges, app-only token, no reseller relationship, no body at all.
    [403, 900308],
    [403, 900329],
    [403, 20002],
    [403, undefined],
    [401, 13605],
    // Unknown customer, unknown cart (expiry is classified by 800008 elsewhere).
    [404, 60003],
    [404, 800008],
    // A business code under another status than the documented one is not guessed at.
    [404, 13605],
    [403, 400019],
    [400, 13605],
    [undefined, 13605],
  ])('is false for %s/%s', (status, code) => expect(isBusinessRefusal(status, code)).toBe(false));

  it('lists exactly the documented codes, as strings, so numeric and string codes from the wire compare alike', () => {
    expect([...PARTNER_CENTER_BUSINESS_REFUSALS[403]].sort()).toEqual(['13605', '2006', '2030', '2091', '800066', '800067', '800069', '800088', '800089', '900121']);
    expect([...PARTNER_CENTER_BUSINESS_REFUSALS[404]]).toEqual(['400019']);
  });
});

describe('the failure a 403/404 becomes', () => {
  it('reaches the outcome as a refusal naming the status and code for a missing Customer Agreement (403/13605)', () => {
    const description = 'The customer must accept the Microsoft Customer Agreement before you can complete this purchase';
    const error = new PartnerCenterBusinessError('Partner Center answered 403 with code 13605', { ...ids, status: 403, code: 13605, description });

    expect(error.reason).toBe('refused');
    expect(describeFailure(error)).toEqual({ reason: 'refused', operation: 'checkout', status: 403, code: '13605', message: description });
  });

  it('keeps a 404 business refusal (400019) a refusal, and a real 403 or 404 what it was', () => {
    expect(new PartnerCenterBusinessError('x', { ...ids, status: 404, code: 400019 }).reason).toBe('refused');
    expect(new PartnerCenterAuthError('x', { ...ids, status: 403, code: 900308 }).reason).toBe('notAuthorized');
    expect(new PartnerCenterAuthError('x', { ...ids, status: 403 }).reason).toBe('notAuthorized');
    expect(new PartnerCenterNotFoundError('x', { ...ids, status: 404, code: 60003 }).reason).toBe('notFound');
  });
});
