// Sign in once online: a device token, then the assignments kept for offline days.
import { call } from '../api.js';
import { allPhotos, allRecords, kvGet, kvSet, wipe } from '../db.js';
import { outboxSummary } from '../model.js';
import { requestPersist } from '../photos.js';
import { startSession } from '../session.js';
import { refreshBootstrap, syncNow } from '../sync.js';
import { T } from '../text.js';
import { notice } from '../ui.js';
import { h } from '../util.js';

/** Render the sign-in form (prefilled with the user whose token expired, if any). */
export async function render(root, params, { session }) {
  const expired = session && session.invalid;
  const message = h('div.form-message', { role: 'alert' });
  const username = h('input', { name: 'username', autocomplete: 'username', required: true, autocapitalize: 'off',
    value: expired ? session.user.username : '' });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const device = h('input', { name: 'device_name', value: (session && session.device_name) || T.deviceDefault,
    maxLength: 100 });
  const submit = h('button.big.primary.wide', { type: 'submit' }, T.signIn);
  const form = h('form.card.login', { novalidate: true, onsubmit: async (e) => {
    e.preventDefault();
    submit.disabled = true;
    submit.textContent = T.signingIn;
    message.replaceChildren();
    const error = await signIn(username.value.trim(), password.value, device.value.trim() || T.deviceDefault);
    if (error) {
      message.replaceChildren(notice('bad', error));
      submit.disabled = false;
      submit.textContent = T.signIn;
    }
  } },
  h('h1', T.signInTitle),
  h('p.muted', T.signInHint),
  expired ? notice('warn', T.tokenExpired) : null,
  navigator.onLine ? null : notice('warn', T.signInOffline),
  message,
  h('label', T.username, username),
  h('label', T.password, password),
  h('label', T.deviceName, device),
  submit);
  root.append(form);
}

/** Get a token, keep it and the bootstrap, and go home; return an error message on failure. */
async function signIn(username, password, deviceName) {
  if (!username || !password) return `${T.username}、${T.password}不能为空`;
  const owner = await kvGet('owner');
  const summary = outboxSummary(await allRecords(), await allPhotos());
  const unsent = summary.records.length + summary.photos.length;
  if (owner && owner !== username && unsent) return T.signInOtherUser(owner);
  let response;
  try {
    response = await call('POST', '/auth/token', { username, password, device_name: deviceName });
  } catch (error) {
    return error.status === 0 ? T.signInNetwork : error.message;
  }
  if (response.user.role !== 'inspector') {
    call('DELETE', '/auth/token', undefined, { token: response.token }).catch(() => {});
    return T.signInNotInspector;
  }
  if (owner && owner !== username) await wipe();  // another user's synced leftovers
  await startSession({ token: response.token, token_id: response.token_id, user: response.user,
    device_name: deviceName, at: new Date().toISOString() });
  await kvSet('owner', username);
  requestPersist();
  try {
    await refreshBootstrap();
  } catch { /* shown on home as "no data yet"; sync retries */ }
  location.hash = '#/';
  window.dispatchEvent(new HashChangeEvent('hashchange'));
  syncNow();
  return null;
}
