// A small tus 1.0 client (core + creation) for large photos: 1 MB chunks, the upload's URL and the offset the
// server acknowledged kept on the photo in IndexedDB (so a reload or a phone restart resumes), the offset asked
// again with HEAD before resuming, and a request with no byte moving for `stallMs` aborted as a stall.
// Our own rather than tus-js-client: that one alone would weigh more than the app's whole 150 KB budget left.
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
    const moved = () => { last = Date.now(); };
    xhr.upload.onprogress = moved;
    xhr.onprogress = moved;
    const timer = setInterval(() => {
      if (Date.now() - last > stallMs) {
        stalled = true;
        xhr.abort();
      }
    }, Math.min(1000, stallMs / 4));
    const end = (fn) => () => { clearInterval(timer); fn(); };
    xhr.onload = end(() => resolve(xhr));
    xhr.onerror = end(() => reject(new ApiError(0, 'network', '无法连接服务器')));
    xhr.onabort = end(() => reject(stalled ? new ApiError(0, 'stalled', '网络较差') : new ApiError(0, 'network', '上传被中断')));
    xhr.send(body);
  });
}

const offsetOf = (xhr) => Number(xhr.getResponseHeader('Upload-Offset'));

/**
 * Upload `blob` by tus, resuming the upload `state` ({url, offset}) when there is one. `keep(state)` stores the
 * upload's URL and every acknowledged offset; `onProgress(offset)` hears only bytes the server acknowledged.
 * Resolve once the server holds the whole file; reject with an ApiError (network, stall and 5xx are transient).
 */
export async function upload(blob, metadata, { state, keep, onProgress, stallMs }) {
  let url = state && state.url;
  let offset = 0;
  if (url) {
    const head = await send('HEAD', url, stallMs);
    if (head.status === 200 || head.status === 204) offset = offsetOf(head);
    else if (head.status === 404 || head.status === 410) url = null;  // purged or discarded: start again
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
  while (offset < blob.size) {
    const answer = await send('PATCH', url, stallMs, { 'Upload-Offset': String(offset),
      'Content-Type': 'application/offset+octet-stream' }, blob.slice(offset, offset + CHUNK));
    if (answer.status === 204) {
      offset = offsetOf(answer);
    } else if (answer.status === 409 || answer.status === 423) {  // not where the server is, or still busy
      if (answer.status === 423) await new Promise((wake) => { setTimeout(wake, 1000); });
      offset = offsetOf(await send('HEAD', url, stallMs));
    } else if (answer.status === 404) {  // expired and purged meanwhile: the next try starts a new upload
      await keep(null);
      throw new ApiError(0, 'network', '上传已过期，将重新开始');
    } else {
      if (answer.status >= 400 && answer.status < 500) await keep(null);  // refused: the server discarded it
      throw xhrError(answer);
    }
    await keep({ url, offset });
    onProgress(offset);
  }
}
