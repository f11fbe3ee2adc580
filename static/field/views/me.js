// Me: theme, location setting, storage and persistence, version, and a guarded sign-out.
import { call } from '../api.js';
import { allPhotos, allRecords, kvGet, kvSet, wipe } from '../db.js';
import { loadSession } from '../session.js';
import { outboxSummary } from '../model.js';
import { requestPersist, storageStatus } from '../photos.js';
import { syncNow } from '../sync.js';
import { T } from '../text.js';
import { applyTheme, savedTheme } from '../theme.js';
import { dialog, notice, screenHead, toast } from '../ui.js';
import { bytes, clip, h } from '../util.js';
import { config } from '../config.js';

/** Render the settings screen. */
export async function render(root, params, { session, rerender }) {
  const [settings, storage] = await Promise.all([kvGet('settings'), storageStatus().catch(() => null)]);
  const gps = !settings || settings.gps !== false;
  const theme = savedTheme();
  root.append(screenHead('#/', h('h1', T.meTitle)));
  root.append(h('section.card', h('p', T.signedInAs(session.user.display_name || session.user.username)),
    h('p.muted.small', `${T.deviceName}：${session.device_name || ''}`)));

  root.append(h('section.card', h('h2', T.theme), h('div.seg', { role: 'group', 'aria-label': T.theme },
    [['system', T.themeSystem], ['light', T.themeLight], ['dark', T.themeDark]].map(([value, label]) =>
      h('button', { type: 'button', 'aria-pressed': String(theme === value), dataset: { theme: value },
        onclick: () => { applyTheme(value); rerender(); } }, label))),
  h('label.switch', h('input', { type: 'checkbox', checked: gps, onchange: async (e) => {
    await kvSet('settings', { ...(settings || {}), gps: e.target.checked });
  } }), T.gpsSetting)));

  const storageCard = h('section.card', h('h2', T.storage));
  if (storage) {
    storageCard.append(h('p', T.storageUsage(bytes(storage.usage), bytes(storage.quota))),
      h('p', storage.persisted ? T.persisted : T.notPersistedShort));
    if (storage.low) storageCard.append(notice('warn', T.storageLow(bytes(storage.usage), bytes(storage.quota))));
    if (!storage.persisted) {
      storageCard.append(h('button.big.wide', { type: 'button', onclick: async () => {
        if (!(await requestPersist())) toast(T.persistRefused, 'bad');
        rerender();
      } }, T.requestPersist));
    }
  }
  root.append(storageCard);
  root.append(h('p.muted.small.center', T.version(config.version)));
  root.append(h('button.big.danger.wide', { type: 'button', id: 'sign-out', onclick: () => signOut(rerender) },
    T.signOut));
}

/** Sign out: wipe the phone only after everything arrived, or after an explicit warning listing what is lost. */
async function signOut(rerender) {
  const records = await allRecords();
  const summary = outboxSummary(records, await allPhotos());
  const visits = new Map(records.filter((r) => r.type === 'visit').map((r) => [r.id, r]));
  if (!summary.records.length && !summary.photos.length) {
    if ((await dialog({ body: [h('p', T.signOutConfirm)], buttons: [{ label: T.cancel, value: null },
      { label: T.signOut, value: 'out', kind: 'danger' }] })) === 'out') await finishSignOut();
    return;
  }
  const lines = summary.records.map((r) => {
    const visit = r.type === 'visit' ? r : visits.get(r.visit_id);
    return h('li', `${r.type === 'visit' ? T.recordVisit : T.recordFinding} · ${(visit && visit.label) || ''}`,
      r.type === 'finding' ? ` · ${clip(r.data.description, 20) || r.data.category}` : '');
  });
  if (summary.photos.length) {
    lines.push(h('li', `${T.photos} ${summary.photos.length} 张（${bytes(summary.photos.reduce((n, p) => n + p.size, 0))}）`));
  }
  let ackBox;
  let outButton;
  const ack = h('label.switch', ackBox = h('input', { type: 'checkbox', name: 'ack',
    onchange: () => { outButton.disabled = !ackBox.checked; } }), T.signOutAck);
  const choice = await dialog({ title: T.signOut, className: 'sign-out',
    body: [notice('bad', T.signOutUnsent), h('ul.unsent', lines), ack],
    buttons: [{ label: T.cancel, value: null },
      { label: T.signOutSyncFirst, value: 'sync', kind: 'primary', disabled: !navigator.onLine },
      { label: T.signOutAnyway, value: 'out', kind: 'danger', disabled: true, bind: (b) => { outButton = b; } }] });
  if (choice === 'sync') {
    await syncNow({ manual: true });
    rerender();
  } else if (choice === 'out' && ackBox.checked) {
    await finishSignOut();
  }
}

async function finishSignOut() {
  const session = await loadSession();
  if (session && session.token && navigator.onLine) {
    try { await call('DELETE', '/auth/token', undefined, { timeout: 8000 }); } catch { /* revocable on the web */ }
  }
  await wipe();
  location.hash = '#/';
}
