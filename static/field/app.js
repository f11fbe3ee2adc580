// The field app's entry: theme, discretion veil, service worker and updates, routing, sync triggers.
import { allPhotos, allRecords, events, open, TAB_ID } from './db.js';
import { loadSession } from './session.js';
import { currentProgress, syncNow, syncSoon } from './sync.js';
import { outboxSummary } from './model.js';
import { bytes, h, mount } from './util.js';
import { T } from './text.js';
import { applyTheme } from './theme.js';
import { claim } from './editor.js';
import { notice } from './ui.js';
import * as login from './views/login.js';
import * as home from './views/home.js';

// Screens a first open does not need load on demand; the service worker precaches them, so they open offline.
const LAZY = {
  v: () => import('./views/visit.js'),
  f: () => import('./views/finding.js'),
  outbox: () => import('./views/outbox.js'),
  me: () => import('./views/me.js'),
  recheck: () => import('./views/recheck.js'),  // 回头看: one earlier problem
  r: () => import('./views/returned.js'),  // 需补充 from any team phone, and the team's records
};
const EDITED = new Set(['v', 'f', 'recheck']);  // screens of one record, edited in one tab at a time
const view = document.getElementById('view');
let active = { module: null, params: null, stale: false, token: 0 };

applyTheme();
setupVeil();

/** Hide the screen's content whenever the app is not in front (app switcher, lock screen). */
function setupVeil() {
  const veil = (on) => document.documentElement.classList.toggle('veiled', on);
  document.addEventListener('visibilitychange', () => veil(document.visibilityState === 'hidden'));
  window.addEventListener('pagehide', () => veil(true));
  window.addEventListener('pageshow', () => veil(document.visibilityState === 'hidden'));
  window.addEventListener('blur', () => { if (!document.querySelector('input[type=file]:focus')) veil(true); });
  window.addEventListener('focus', () => veil(false));
}

function parseHash() {
  const parts = location.hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  const name = parts[0] || '';
  return { name: name === 'login' || LAZY[name] ? name : '', params: { id: parts[1] || null } };
}

/** Return the module of a screen, loading it on first use. */
async function screen(name) {
  if (name === 'login') return login;
  if (!LAZY[name]) return home;
  try {
    return await LAZY[name]();
  } catch (error) {
    return { render: (root) => root.append(notice('bad', T.screenMissing), h('a.button.big', { href: '#/' }, T.back)) };
  }
}

/** Render the screen named by the URL hash (or sign-in when the phone holds no session). */
async function route({ keepScroll = false } = {}) {
  const token = ++active.token;
  const session = await loadSession();
  const { name, params } = session && session.token ? parseHash() : { name: 'login', params: {} };
  const module = await screen(name);
  const sameScreen = active.module === module && active.params && active.params.id === params.id;
  const record = EDITED.has(name) && params.id;
  const editing = await claim(record || null, () => refresh());
  const fragment = document.createElement('div');
  await module.render(fragment, params, { session, rerender: () => refresh() });
  if (token !== active.token) return;  // a newer navigation won
  if (!editing) readOnly(fragment, params.id);
  const y = window.scrollY;
  const typing = sameScreen ? captureTyping() : null;
  mount(view, ...fragment.childNodes);
  if (typing) restoreTyping(typing);
  active = { ...active, module, params, stale: false };
  window.scrollTo(0, keepScroll && sameScreen ? y : 0);
  await updateChrome(session);
  authBanner(session, module);
  if (!document.documentElement.dataset.ready) {
    document.documentElement.dataset.ready = '1';
    performance.mark('field-interactive');
  }
}

/** Show a record another tab edits: every control disabled, a note, and a way to take over the editing here. */
function readOnly(fragment, id) {
  for (const el of fragment.querySelectorAll('input, textarea, select, button')) el.disabled = true;
  const take = async () => { await claim(id, () => refresh(), { steal: true }); refresh(); };
  const note = notice('warn', T.readOnly, ' ', h('button.small', { type: 'button', id: 'edit-here', onclick: take }, T.editHere));
  const head = fragment.querySelector('.screen-head');
  if (head) head.after(note);
  else fragment.prepend(note);
}

let composing = false;
document.addEventListener('compositionstart', () => { composing = true; });
document.addEventListener('compositionend', () => {
  composing = false;
  if (active.stale) refresh();
});

function fieldKey(el) {
  const holder = el.closest('[data-index], [data-sha256], [data-code]');
  return `${el.name}|${holder ? holder.dataset.index ?? holder.dataset.sha256 ?? holder.dataset.code : ''}`;
}

/** Remember the field the inspector is typing in: its live value wins over what was just read back. */
function captureTyping() {
  const el = document.activeElement;
  if (!el || !view.contains(el) || !el.name || !el.matches('input:not([type=file]), textarea, select')) return null;
  const text = el.matches('textarea, input:not([type=checkbox]):not([type=datetime-local])');
  return { key: fieldKey(el), value: el.value, start: text ? el.selectionStart : null, end: text ? el.selectionEnd : null };
}

function restoreTyping(typing) {
  const el = [...view.querySelectorAll('[name]')].find((node) => fieldKey(node) === typing.key);
  if (!el) return;
  el.value = typing.value;
  el.focus({ preventScroll: true });
  if (typing.start != null) el.setSelectionRange(typing.start, typing.end);
}

/** Redraw the current screen after a change (never in the middle of an IME composition). */
function refresh() {
  if (composing) {
    active.stale = true;
    return;
  }
  route({ keepScroll: true });
}

/** Tell the inspector the device token was refused; work goes on offline and waits for a new sign-in. */
function authBanner(session, module) {
  const banners = document.getElementById('banners');
  const existing = banners.querySelector('.auth');
  const show = !!(session && session.invalid) && module !== login;
  if (!show) {
    if (existing) existing.remove();
    return;
  }
  if (existing) return;
  banners.append(h('div.notice.bad.auth', { role: 'alert' }, T.tokenExpired, ' ',
    h('a.button.small.primary', { href: '#/login' }, T.signInAgain)));
}

/** Update the header: offline badge, outbox chip, overall progress. */
async function updateChrome(session) {
  document.getElementById('net').hidden = navigator.onLine;
  const chip = document.getElementById('outbox-chip');
  if (!session || !session.token) {
    chip.hidden = true;
  } else {
    const summary = outboxSummary(await allRecords(), await allPhotos(), { queued: true });  // drafts wait for 结束到访
    const count = summary.records.length + summary.photos.length;
    chip.hidden = false;
    chip.classList.toggle('empty', count === 0);
    // The accessible name is the visible text followed by its spelled-out form (never a different label).
    mount(chip, count ? T.outboxChip(summary.records.length, summary.photos.length, bytes(summary.bytes)) : T.allSent,
      h('span.sr-only', `（${count ? T.outboxSummary(summary.records.length, summary.photos.length, bytes(summary.bytes))
        : T.outboxEmpty}）`));
  }
  showProgress(currentProgress());
}

function showProgress(p) {
  const el = document.getElementById('sync-progress');
  el.hidden = !p.running;
  if (!p.running) return;
  const [done, total] = p.bytes[1] ? p.bytes : p.records;
  el.firstElementChild.style.width = `${total ? Math.round((done / total) * 100) : 15}%`;
}

let chromeTimer = null;
function chromeSoon() {
  clearTimeout(chromeTimer);
  chromeTimer = setTimeout(async () => updateChrome(await loadSession()), 60);
}

events.addEventListener('records', (e) => {
  syncSoon();
  chromeSoon();
  if (!(e.detail.quiet && e.detail.origin === TAB_ID)) refresh();
});
events.addEventListener('photos', () => { refresh(); });
events.addEventListener('bootstrap', () => { refresh(); });
events.addEventListener('notices', () => { refresh(); });
events.addEventListener('auth', () => route());
events.addEventListener('wiped', () => route());
events.addEventListener('progress', (e) => {
  showProgress(e.detail.progress);
  if (active.module && active.module.onProgress) active.module.onProgress(e.detail.progress);
  if (!e.detail.progress.running) chromeSoon();
});
window.addEventListener('hashchange', () => route());
window.addEventListener('online', () => { chromeSoon(); syncNow(); });
window.addEventListener('offline', () => chromeSoon());

/** Register the service worker and tell the inspector when a new version is ready. */
async function setupServiceWorker() {
  if (!('serviceWorker' in navigator)) return;
  const registration = await navigator.serviceWorker.register('/field/sw.js', { scope: '/field/' });
  const offer = (worker) => {
    if (!worker || !navigator.serviceWorker.controller) return;  // first install: nothing to replace
    const banners = document.getElementById('banners');
    if (banners.querySelector('.update')) return;
    banners.append(h('div.notice.info.update', { role: 'status' }, T.updateReady, ' ',
      h('button.small.primary', { type: 'button', onclick: () => worker.postMessage('skip-waiting') }, T.updateNow)));
  };
  if (registration.waiting) offer(registration.waiting);
  registration.addEventListener('updatefound', () => {
    const worker = registration.installing;
    worker.addEventListener('statechange', () => { if (worker.state === 'installed') offer(worker); });
  });
  let reloading = false;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (reloading || !document.querySelector('#banners .update')) return;
    reloading = true;
    location.reload();  // drafts are already in IndexedDB: nothing is lost by reloading
  });
  setInterval(() => registration.update().catch(() => {}), 30 * 60 * 1000);
}

async function start() {
  await open();
  await route();
  setupServiceWorker().catch(() => {});
  const session = await loadSession();
  if (session && session.token && !session.invalid) syncNow();
}

start();
