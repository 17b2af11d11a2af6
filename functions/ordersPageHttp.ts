// GET /api/orders-page: one self-contained page for people over the orders API (list with filters, auto-refresh, each
// order's stages on a timeline, cart / Partner Center order / subscription ids, errors in plain words, cancel where
// cancel is possible). Plain HTML and script, nothing from a CDN, so it works offline. Protected like the rest of the
// API: the function key it was opened with (?code=) is passed on to the API calls it makes.

import { app, HttpResponse, type HttpResponseInit } from '@azure/functions';
import type { ApiAuthMode } from '../shared/config';
import { API_ROLES, protectHttp } from './apiAuth';

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Orders</title>
<style>
  body { font: 14px system-ui, sans-serif; margin: 1.5rem; color: #1b1b1b; }
  h1 { font-size: 1.3rem; margin: 0 0 1rem; }
  form { display: flex; flex-wrap: wrap; gap: .6rem; align-items: end; margin-bottom: 1rem; }
  label { display: flex; flex-direction: column; font-size: .8rem; color: #555; }
  input, select, button { font: inherit; padding: .25rem .4rem; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: .4rem .5rem; border-bottom: 1px solid #ddd; vertical-align: top; }
  .timeline { display: flex; gap: 2px; }
  .timeline span { padding: 1px 5px; border-radius: 3px; background: #eee; color: #888; font-size: .75rem; }
  .timeline span.done { background: #d7ecd9; color: #1d5a24; }
  .timeline span.current { background: #1d5a24; color: #fff; }
  .outcome-completed { color: #1d5a24; font-weight: 600; }
  .outcome-failed, .outcome-unknown, .outcome-timedOut { color: #a4262c; font-weight: 600; }
  .outcome-cancelled, .outcome-partiallyCompleted { color: #8a5a00; font-weight: 600; }
  .ids { font-family: ui-monospace, monospace; font-size: .8rem; }
  .problem { color: #a4262c; }
  #status { color: #555; margin-left: auto; }
</style>
</head>
<body>
<h1>Orders</h1>
<form id="filters">
  <label>Outcome <select name="outcome"><option value="">any</option><option>completed</option><option>partiallyCompleted</option><option>failed</option><option>cancelled</option><option>timedOut</option><option>unknown</option></select></label>
  <label>Stage <select name="stage"><option value="">any</option><option>queued</option><option>creatingCart</option><option>checkingOut</option><option>recoveringOrders</option><option>waitingForOrders</option><option>publishing</option><option>finished</option></select></label>
  <label>Customer <input name="customerId" placeholder="tenant GUID" size="36"></label>
  <label>Order id starts with <input name="orderIdPrefix" size="14"></label>
  <label>Created from <input name="createdFrom" type="datetime-local"></label>
  <button type="submit" id="apply">Apply</button>
  <label style="flex-direction: row; gap: .3rem; align-items: center"><input type="checkbox" id="auto" checked> auto-refresh</label>
  <span id="status"></span>
</form>
<table>
  <thead><tr><th>Order</th><th>Stages</th><th>Outcome</th><th>Cart, Partner Center orders, subscriptions</th><th>Errors</th><th></th></tr></thead>
  <tbody id="orders"></tbody>
</table>
<p><button id="more" hidden>More</button></p>
<script>
(function () {
  var params = new URLSearchParams(location.search);
  var code = params.get('code');
  var refreshMs = Math.max(250, Number(params.get('refresh')) || 3000);
  var api = location.pathname.replace(/\\/orders-page\\/?$/, '');
  var STAGES = ['queued', 'creatingCart', 'checkingOut', 'waitingForOrders', 'publishing', 'finished'];
  var NAMES = { queued: 'queued', creatingCart: 'cart', checkingOut: 'checkout', recoveringOrders: 'checkout', waitingForOrders: 'orders', publishing: 'publish', finished: 'done' };
  var WAITS = { partnerCenterThrottling: 'Partner Center asked us to slow down', partnerCenterOutage: 'Partner Center is not answering', credentialsOutage: 'sign-in (Entra ID / Key Vault) is not answering', cartBusy: 'the cart is busy', orderList: "waiting for the order in Partner Center's list", orders: 'waiting for Partner Center to complete the orders', peopleToAct: 'waiting for people to act (e.g. a purchase order)', resultsTopic: 'the outcome is decided; waiting for Service Bus to take it' };
  var REASONS = { throttled: 'Partner Center throttled the request', unavailable: 'Partner Center was unavailable', notAuthorized: 'the app is not authorized in Partner Center', notFound: 'Partner Center does not know the customer or order', cartBusy: 'the cart was busy', cartAlreadySubmitted: 'the cart was already checked out', cartExpired: 'the cart expired', refused: 'Partner Center refused it', credentialsUnavailable: 'sign-in was unavailable', credentialsRefused: "the app's credentials were refused", activityFailed: 'a step failed unexpectedly', cancelled: 'cancelled on request', deadlinePassed: "the order's deadline passed", cartsExpired: 'every cart expired before checkout', checkoutAttemptsExhausted: 'checkout did not succeed in time', ordersIncomplete: "not all of the cart's orders were found", orderNotCompleted: 'a Partner Center order did not complete', checkoutUnknown: 'unknown whether the cart was checked out: check Partner Center' };
  var token = null;
  var rows = [];

  function url(path, extra) {
    var q = new URLSearchParams(extra || {});
    if (code) q.set('code', code);
    var s = q.toString();
    return api + path + (s ? '?' + s : '');
  }
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { if (k === 'text') node.textContent = attrs[k]; else node.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }
  function plainError(e) {
    if (typeof e !== 'object' || !e) return String(e);
    var why = e.reason ? (REASONS[e.reason] || e.reason) : '';
    var detail = e.message || e.description || (e.field ? e.field : '');
    if (e.source === 'lineItem') return 'line item ' + (e.lineItemIndex + 1) + ' refused: ' + e.description;
    if (e.source === 'orderGroup') return 'an order group was not ordered: ' + e.description;
    return why && detail && detail.indexOf(why) !== 0 ? why + ' (' + detail + ')' : detail || why;
  }
  function row(o) {
    // An outcome shown while it is still being published (stage publishing) is decided, not delivered: not finished.
    var finished = !!o.outcome && o.stage !== 'publishing';
    var current = finished ? 'finished' : (o.stage === 'recoveringOrders' ? 'checkingOut' : o.stage);
    var at = STAGES.indexOf(current);
    var timeline = el('div', { class: 'timeline' }, STAGES.map(function (s, i) {
      return el('span', { class: i < at ? 'done' : i === at ? 'current' : '', text: NAMES[s] });
    }));
    var ids = [];
    if (o.cartId) ids.push('cart ' + o.cartId);
    o.orders.forEach(function (po) { ids.push('order ' + po.id + ' (' + po.status + ')' + (po.subscriptionIds && po.subscriptionIds.length ? ': subscriptions ' + po.subscriptionIds.join(', ') : '')); });
    var problems = o.errors.map(plainError);
    if (!finished && o.waitingFor) problems.push(WAITS[o.waitingFor] || o.waitingFor);
    if (!finished && o.lastError) problems.push(o.lastError);
    var cancellable = !o.outcome && (o.stage === 'queued' || o.stage === 'creatingCart') && ['Pending', 'Running'].indexOf(o.runtimeStatus) >= 0;
    var cancel = cancellable ? el('button', { class: 'cancel', text: 'Cancel' }) : null;
    if (cancel) cancel.addEventListener('click', function () {
      cancel.disabled = true;
      fetch(url('/orders/' + encodeURIComponent(o.orderId)), { method: 'DELETE' }).then(function (r) { return r.json(); }).then(function (b) {
        document.getElementById('status').textContent = b.error || ('cancel requested for ' + o.orderId);
        load(true);
      });
    });
    return el('tr', { 'data-order-id': o.orderId, 'data-outcome': o.outcome || '', 'data-stage': o.stage }, [
      el('td', { class: 'ids', text: o.orderId }),
      el('td', {}, [timeline]),
      el('td', { class: 'outcome outcome-' + (finished ? o.outcome : 'none'), text: finished ? o.outcome : o.outcome ? o.outcome + ' (being published)' : (o.runtimeStatus === 'Failed' || o.runtimeStatus === 'Terminated' ? 'stopped (' + o.runtimeStatus + ')' : 'in progress') }),
      el('td', { class: 'ids', text: ids.join('\\n') }),
      el('td', { class: 'problem', text: problems.join('; ') }),
      el('td', {}, [cancel]),
    ]);
  }
  function query() {
    var form = new FormData(document.getElementById('filters'));
    var q = {};
    ['outcome', 'stage', 'customerId', 'orderIdPrefix'].forEach(function (k) { var v = String(form.get(k) || '').trim(); if (v) q[k] = v; });
    var from = String(form.get('createdFrom') || '');
    if (from) q.createdFrom = new Date(from).toISOString();
    q.pageSize = '50';
    return q;
  }
  function render() {
    var body = document.getElementById('orders');
    body.replaceChildren.apply(body, rows.map(row));
    document.getElementById('more').hidden = !token;
  }
  function load(fromStart) {
    var q = query();
    if (!fromStart && token) q.continuationToken = token;
    return fetch(url('/orders', q)).then(function (r) { return r.json().then(function (b) { return { status: r.status, body: b }; }); }).then(function (res) {
      if (res.status !== 200) {
        document.getElementById('status').textContent = (res.body.errors || []).map(function (e) { return e.field + ' ' + e.message; }).join('; ') || res.body.error || ('HTTP ' + res.status);
        return;
      }
      rows = fromStart ? res.body.orders : rows.concat(res.body.orders);
      token = res.body.continuationToken;
      document.getElementById('status').textContent = rows.length + ' order(s), updated ' + new Date().toLocaleTimeString();
      render();
    }).catch(function (e) { document.getElementById('status').textContent = 'the API did not answer: ' + e.message; });
  }
  document.getElementById('filters').addEventListener('submit', function (e) { e.preventDefault(); load(true); });
  document.getElementById('more').addEventListener('click', function () { load(false); });
  setInterval(function () { if (document.getElementById('auto').checked) load(true); }, refreshMs);
  load(true);
})();
</script>
</body>
</html>
`;

export async function ordersPageHttp(): Promise<HttpResponseInit> {
  return new HttpResponse({
    status: 200,
    body: PAGE,
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      // Only this page's own inline script and style, and calls back to this app: nothing from elsewhere.
      'Content-Security-Policy': "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; form-action 'self'",
      'Cache-Control': 'no-cache',
    },
  });
}

export function registerOrdersPageHttp(auth: ApiAuthMode = 'functionKeys'): void {
  app.http('ordersPageHttp', { route: 'orders-page', methods: ['GET'], ...protectHttp(auth, API_ROLES.read, ordersPageHttp) });
}
