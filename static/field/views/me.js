// Me: theme, location setting, storage and persistence, version, and a guarded sign-out.
import { call } from '../api.js';
import { allPhotos, allRecords, announce, kvGet, kvSet, req, tx, wipe } from '../db.js';
import { loadSession } from '../session.js';
import { endVisit, outboxSummary } from '../model.js';
import { requestPersist, storageStatus } from '../photos.js';
import { syncNow } from '../sync.js';
import { T } from '../text.js';
import { applyTheme, savedTheme } from '../theme.js';
import { dialog, notice, screenHead, toast } from '../ui.js';
import { bytes, clip, h, when } from '../util.js';
import { config } from '../config.js';

/** Change one of the phone's settings (kv `settings`), keeping the others. */
const setting = async (key, value) => kvSet('settings', { ...((await kvGet('settings')) || {}), [key]: value });

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
  h('label.switch', h('input', { type: 'checkbox', name: 'gps', checked: gps,
    onchange: (e) => setting('gps', e.target.checked) }), T.gpsSetting),
  h('label', T.stallSetting, h('select', { name: 'stall_seconds',
    onchange: (e) => setting('stall_seconds', Number(e.target.value)) }, [15, 30, 60, 120].map((n) => h('option', { value: n, selected: n === ((settings && settings.stall_seconds) || 30) },
    T.seconds(n)))))));

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
  if (!(await openVisits(rerender))) return;
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
    return h('li', `${r.type === 'visit' ? T.recordVisit : r.type === 'recheck' ? T.rk.record : T.recordFinding} · ${(visit && visit.label) || ''}`,
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

/**
 * Visits not yet ended are drafts that no sync sends: say so, and offer to end them and send, or to keep them on
 * this phone (signed out, the records stay for the same user's next sign-in). Resolve true to go on signing out.
 */
async function openVisits(rerender) {
  const open = (await allRecords()).filter((r) => r.type === 'visit' && !r.queued);
  if (!open.length) return true;
  const choice = await dialog({ title: T.openVisitsTitle, className: 'open-visits',
    body: [h('p', T.openVisits), h('ul.unsent', open.map((v) => h('li', `${v.label || ''} · ${T.startedAt} ${when(v.data.started_at)}`))),
      h('p.muted', T.openVisitsHint)],
    buttons: [{ label: T.endAndSend, value: 'end', kind: 'primary' }, { label: T.keepOnPhone, value: 'keep' },
      { label: T.cancel, value: null }] });
  if (choice === 'keep') await finishSignOut(true);
  if (choice !== 'end') return false;
  for (const v of open) await endVisit(v.id);
  if (navigator.onLine) await syncNow({ manual: true });
  rerender();
  return true;
}

/** Revoke the device token, then wipe the phone (or, with `keep`, forget only the session and assignments). */
async function finishSignOut(keep = false) {
  const session = await loadSession();
  if (session && session.token && navigator.onLine) {
    try { await call('DELETE', '/auth/token', undefined, { timeout: 8000 }); } catch { /* revocable on the web */ }
  }
  if (keep) {
    await tx(['kv'], 'readwrite', (t) => Promise.all(['session', 'bootstrap'].map((k) => req(t.objectStore('kv').delete(k)))));
    announce({ type: 'wiped' });
    toast(T.keptOnPhone);
  } else {
    await wipe();
  }
  location.hash = '#/';
}
