// Shared pieces of the screens: dialogs, toasts, banners, progress bars, status badges, screen heads and the
// server's answer on a record.
import { StorageFullError } from './model.js';
import { stateOf } from './state.js';
import { T } from './text.js';
import { clip, h, mount, when } from './util.js';

/** Show a modal dialog; resolve with the value of the button pressed (null when dismissed). */
export function dialog({ title, body = [], buttons, className = '' }) {
  return new Promise((resolve) => {
    const el = h(`dialog.sheet${className ? `.${className}` : ''}`);
    const finish = (value) => { el.close(); el.remove(); resolve(value); };
    const actions = buttons.map((b) => {
      const button = h(`button.big${b.kind ? `.${b.kind}` : ''}`, { type: 'button', disabled: !!b.disabled,
        onclick: () => finish(b.value) }, b.label);
      if (b.bind) b.bind(button);
      return button;
    });
    mount(el, title ? h('h2', title) : null, h('div.sheet-body', body), h('div.sheet-actions', actions));
    el.addEventListener('cancel', (e) => { e.preventDefault(); finish(null); });
    document.body.append(el);
    el.showModal();
  });
}

/** Ask a yes/no question. */
export async function confirm(message, { ok = T.ok, kind = 'primary' } = {}) {
  return (await dialog({ body: [h('p', message)], buttons: [{ label: T.cancel, value: false },
    { label: ok, value: true, kind }] })) === true;
}

/** Tell the inspector something briefly (no sound, no vibration). */
export function toast(message, kind = '') {
  let box = document.getElementById('toasts');
  if (!box) {
    box = h('div.toasts', { id: 'toasts', role: 'status', 'aria-live': 'polite' });
    document.body.append(box);
  }
  const item = h(`div.toast${kind ? `.${kind}` : ''}`, message);
  box.append(item);
  setTimeout(() => item.remove(), 3500);
}

/** Tell the inspector a change could not be saved on the phone (storage full, or why not). */
export function saveFailed(error) {
  toast(error instanceof StorageFullError ? T.storageFull : `${T.saveFailed}${error.message}`, 'bad');
}

/** A screen's head: the back link (to `back`), then the title and whatever follows it. */
export function screenHead(back, ...children) {
  return h('div.screen-head', h('a.back', { href: back, 'aria-label': T.back }, '‹'), ...children);
}

/** Tell whether this photo is the one being uploaded right now. */
export function uploading(progress, sha256) {
  return !!(progress.running && progress.current && progress.current.sha256 === sha256);
}

/** The badge of a photo's upload: received, refused, being sent or waiting. */
export function photoBadge(photo, sending) {
  if (photo.uploaded) return badge(T.photoUploaded, 'ok');
  if (photo.error) return badge(T.photoError, 'bad');
  return badge(sending ? T.photoSending : photo.wifi ? T.photoWifi : T.photoWaiting, sending ? 'warn' : '');
}

/** Mark the photo being sent (上传中 and the bytes the server acknowledged) in the photo rows or thumbs on screen. */
export function showSending(p) {
  for (const el of document.querySelectorAll('[data-sha256]')) {
    const on = uploading(p, el.dataset.sha256);
    const mark = el.querySelector('.badge');
    let meter = el.querySelector('.progress');
    if (mark && on) mount(mark, T.photoSending).className = 'badge warn';
    else if (mark && mark.textContent === T.photoSending) mount(mark, T.photoWaiting).className = 'badge';
    if (!on) {
      if (meter) meter.remove();
      continue;
    }
    if (!meter) (el.querySelector('.thumb-meta') || mark || el).after(meter = bar(0, 1));
    meter.firstChild.style.width = `${Math.round((p.current.loaded / p.current.total) * 100)}%`;
  }
}

/** A progress bar: value and max, with an optional label. */
export function bar(value, max, label = '', className = '') {
  const pct = max > 0 ? Math.min(100, Math.round((value / max) * 100)) : 0;
  const fill = h('div.fill');
  fill.style.width = `${pct}%`;
  return h(`div.progress${className ? `.${className}` : ''}`, { role: 'progressbar', 'aria-valuemin': 0,
    'aria-valuemax': 100, 'aria-valuenow': pct, 'aria-label': label }, fill,
  label ? h('span.progress-label', label) : null);
}

/** A small coloured status badge. */
export function badge(text, kind = '') {
  return h(`span.badge${kind ? `.${kind}` : ''}`, text);
}

const STATE_KIND = { draft: 'muted', held: 'warn', pending: 'warn', created: 'ok', updated: 'ok', unchanged: 'ok',
  conflict: 'bad', invalid: 'bad', forbidden: 'bad', error: 'bad', attention: 'bad' };

/** The badge for a record's sync state. */
export function stateBadge(state) {
  return badge(T.st[state] || state, STATE_KIND[state] || '');
}

/** The badge for a review outcome pulled from the server. */
export function reviewBadge(status) {
  if (!status) return null;
  const kind = status === 'returned' || status === 'rejected' ? 'bad' : status === 'confirmed' ? 'ok' : '';
  return badge(`审核：${T.review[status] || status}`, kind);
}

/** A notice strip shown at the top of a screen. */
export function notice(kind, ...children) {
  return h(`div.notice.${kind}`, { role: kind === 'bad' ? 'alert' : 'status' }, ...children);
}

/**
 * Turn the server's per-field errors into readable lines: `{field: [message | {code, message}]}`, nested for
 * lists; a field with only a code (in the errors, or in `codes`: field → code) gets the generic text of its code.
 */
export function errorLines(errors, codes) {
  const out = [];
  const seen = new Set();
  const label = (path) => path.split('.').map((k) => T.fields[k] || (/^\d+$/.test(k) ? `第${Number(k) + 1}项` : k)).join(' · ');
  const coded = (v) => v && typeof v === 'object' && !Array.isArray(v) && typeof v.code === 'string';
  const text = (v) => (coded(v) ? v.message || T.codes[v.code] || T.codes.invalid : String(v));
  const push = (path, line) => {
    seen.add(path);
    out.push(path && !/^_(record|schema)$/.test(path) ? `${label(path)}：${line}` : line);  // whole-record errors
  };
  const walk = (value, path) => {
    if (Array.isArray(value) && value.every((v) => typeof v === 'string' || coded(v))) push(path, value.map(text).join('；'));
    else if (coded(value) || (value != null && typeof value !== 'object')) push(path, text(value));
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k);
  };
  walk(errors || {}, '');
  const flat = (value, path) => (value && typeof value === 'object' && !Array.isArray(value)
    ? Object.entries(value).flatMap(([k, v]) => flat(v, path ? `${path}.${k}` : k)) : [[path, [].concat(value)]]);
  for (const [path, list] of flat(codes || {}, '')) {
    if (!seen.has(path)) push(path, list.map((code) => T.codes[code] || T.codes.invalid).join('；'));
  }
  return out;
}

/** Show the server's answer on a record (conflict, forbidden, invalid, kept failing), never swallowed. */
export function serverMessage(root, record) {
  if (stateOf(record) === 'attention') {
    const a = record.attention;
    root.append(notice('bad', h('strong', T.st.attention), h('div.server-line', T.attentionHint(a.count, when(a.retry_at))),
      a.message ? h('div.server-line', a.message) : null));
    return;
  }
  const r = record.result;
  if (!r || !['conflict', 'invalid', 'forbidden', 'error'].includes(r.status)) return;
  if (r.status !== 'conflict' && record.rev > record.acked_rev) return;  // edited since: it will be sent again
  const lines = [];
  if (r.status === 'conflict') lines.push(T.conflictHint);
  if (r.message) lines.push(r.message);
  const fieldLines = errorLines(r.errors, r.codes);
  lines.push(...fieldLines);
  if (!r.message && !fieldLines.length && r.status !== 'conflict') lines.push(T.codes[r.code || r.status] || T.codes.invalid);
  if (r.status === 'invalid') lines.push(T.invalidHint);
  for (const [key, pair] of Object.entries(r.conflicts || {})) {
    const field = key.split('.').map((k) => T.fields[k] || k).join(' · ');
    lines.push(`${field}：${T.conflictServer}「${shown(pair && pair.server)}」，${T.conflictPhone}「${shown(pair && pair.phone)}」`);
  }
  root.append(notice('bad', h('strong', T.st[r.status]), lines.map((l) => h('div.server-line', l))));
}

function shown(value) {
  if (value == null) return '';
  return clip(typeof value === 'object' ? JSON.stringify(value) : String(value), 60);
}
