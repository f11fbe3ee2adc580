// Our own small tus 1.0 client (tus-js-client does not fit the 150 KB budget): 1 MB chunks, resumed from HEAD,
// a request with no byte moving for stallMs aborted. See docs/field-app.md.
import { ApiError, xhrError } from './api.js';
import { config } from './config.js';
import { bearer } from './session.js';

export const CHUNK = 1024 * 1024;

/** Tell whether a photo goes up by tus (when the server takes it): above one chunk, or too big for PUT. */
export function resumable(photo) {
  return !!config.tus && photo.size > Math.min(CHUNK, config.maxPhotoBytes);
}

const b64 = (text) => btoa(String.fromCharCode(...new TextEncoder().encode(String(text))));

/** Send one tus request; abort it (code `stalled`) when nothing moved for stallMs; resolve with the finished XHR. */
function send(method, url, stallMs, headers = {}, body = null) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    const token = bearer();
    for (const [k, v] of Object.entries({ 'Tus-Resumable': '1.0.0', ...headers,
      ...(token ? { Authorization: `Bearer ${token}` } : {}) })) xhr.setRequestHeader(k, v);
    let last = Date.now();
    let stalled = false;
    xhr.upload.onprogress = xhr.onprogress = () => { last = Date.now(); };
    const timer = setInterval(() => { if (Date.now() - last > stallMs) xhr.abort(stalled = true); }, Math.min(1000, stallMs / 4));
    const end = (fn) => () => { clearInterval(timer); fn(); };
    xhr.onload = end(() => resolve(xhr));
    xhr.onerror = xhr.onabort = end(() => reject(new ApiError(0, stalled ? 'stalled' : 'network', '网络中断')));
    xhr.send(body);
  });
}

const OCTET = 'application/offset+octet-stream';
const offsetOf = (xhr) => Number(xhr.getResponseHeader('Upload-Offset'));

/**
 * Upload `blob`, resuming `state` ({url, offset}) if any; `keep(state)` stores each acknowledged offset,
 * `onProgress(offset)` hears them. Resolve once the file is stored; reject with an ApiError.
 */
export async function upload(blob, metadata, { state, keep, onProgress, stallMs }) {
  let url = state && state.url;
  let offset = 0;
  if (url) {
    const head = await send('HEAD', url, stallMs);
    if (head.status === 200 || head.status === 204) offset = offsetOf(head);
    else if (head.status === 404 || head.status === 410) url = null;  // purged: start again
    else throw xhrError(head);
  }
  if (!url) {
    const meta = Object.entries(metadata).filter(([, v]) => v != null).map(([k, v]) => `${k} ${b64(v)}`).join(',');
    const made = await send('POST', `${config.apiBase}/uploads`, stallMs,
      { 'Upload-Length': String(blob.size), 'Upload-Metadata': meta });
    if (made.status !== 201) throw xhrError(made);
    url = new URL(made.getResponseHeader('Location'), location.href).pathname;
    offset = offsetOf(made) || 0;
    await keep({ url, offset });
  }
  onProgress(offset);
  let stored = false;
  while (offset < blob.size) {
    const answer = await send('PATCH', url, stallMs, { 'Upload-Offset': String(offset),
      'Content-Type': OCTET }, blob.slice(offset, offset + CHUNK));
    if (answer.status === 204) {
      offset = offsetOf(answer);
      stored = offset >= blob.size;
    } else if (answer.status === 409 || answer.status === 423) {  // elsewhere, or busy
      if (answer.status === 423) await new Promise((wake) => { setTimeout(wake, 1000); });
      offset = offsetOf(await send('HEAD', url, stallMs));
    } else {
      if ([404, 413, 415, 422].includes(answer.status)) await keep(null);  // purged or refused: gone
      throw answer.status === 404 ? new ApiError(0, 'network', '上传已过期') : xhrError(answer);
    }
    await keep({ url, offset });
    onProgress(offset);
  }
  if (stored) return;
  // All bytes there by HEAD/POST, but stored? An empty last PATCH finishes it if not.
  let info = {};
  try { info = JSON.parse((await send('GET', url, stallMs)).responseText); } catch { /* not JSON */ }
  if (!info.complete && (await send('PATCH', url, stallMs, { 'Upload-Offset': String(offset), 'Content-Type': OCTET },
    new Blob([]))).status !== 204) throw new ApiError(503, 'unfinished', '服务器尚未保存这张照片');
}
