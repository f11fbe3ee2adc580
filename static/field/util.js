// Small helpers: DOM building, formatting in China Standard Time, ids.

/** Build an element: h('button.big.primary', {onclick}, 'text', child...). */
export function h(spec, props, ...children) {
  const [tag, ...classes] = spec.split('.');
  const el = document.createElement(tag || 'div');
  if (classes.length) el.className = classes.join(' ');
  if (props && (typeof props !== 'object' || props instanceof Node || Array.isArray(props))) {
    children.unshift(props);
    props = null;
  }
  for (const [key, value] of Object.entries(props || {})) {
    if (value == null || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key in el && key !== 'list' && key !== 'form') el[key] = value;
    else el.setAttribute(key, value === true ? '' : value);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child == null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

/** Replace an element's children. */
export function mount(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

const CST = 'Asia/Shanghai';
const dtf = new Intl.DateTimeFormat('zh-CN', {
  timeZone: CST, month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false,
});
const tf = new Intl.DateTimeFormat('zh-CN', { timeZone: CST, hour: '2-digit', minute: '2-digit', hour12: false });

/** Show an ISO timestamp as "11月20日 09:30" in China Standard Time. */
export function when(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const parts = Object.fromEntries(dtf.formatToParts(d).map((p) => [p.type, p.value]));
  return `${parts.month}月${parts.day}日 ${parts.hour}:${parts.minute}`;
}

/** Show only the time of day of an ISO timestamp. */
export function clock(iso) {
  return iso ? tf.format(new Date(iso)) : '';
}

/** Show a planned window "11月20日 09:00–17:00". */
export function windowText(start, end) {
  if (!start) return '';
  const a = when(start);
  if (!end) return a;
  return when(end).slice(0, when(end).indexOf(' ')) === a.slice(0, a.indexOf(' ')) ? `${a}–${clock(end)}` : `${a} – ${when(end)}`;
}

/** Convert an ISO timestamp to the value of a datetime-local input (the phone's local time). */
export function toLocalInput(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Convert a datetime-local value back to an ISO timestamp (UTC). */
export function fromLocalInput(value) {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** Human-readable size: 1.2 MB, 340 KB. */
export function bytes(n) {
  if (!n) return '0 KB';
  if (n < 1024 * 1024) return `${Math.max(1, Math.round(n / 1024))} KB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(1)} GB`;
}

/** A new random UUID (v4). */
export function uuid() {
  return crypto.randomUUID();
}

/** The current time as an ISO string. */
export function now() {
  return new Date().toISOString();
}

/** Shorten text to n characters. */
export function clip(text, n = 40) {
  const s = (text || '').replace(/\s+/g, ' ').trim();
  return s.length > n ? `${s.slice(0, n)}…` : s;
}
