// Shared pieces of the screens: dialogs, toasts, banners, progress bars, status badges.
import { h, mount } from './util.js';
import { T } from './text.js';

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
