// The sync API over HTTPS with the device token; every failure becomes an ApiError with a stable code.
import { config } from './config.js';
import { bearer } from './session.js';

/** An API failure: HTTP status (0 when the network failed), the server's code, message and details. */
export class ApiError extends Error {
  constructor(status, code, message, details = {}) {
    super(message || code);
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** Tell whether trying again later may succeed (network down, server busy or failing). */
  get transient() {
    return this.status === 0 || this.status === 408 || this.status === 429 || this.status >= 500;
  }
}

function headers(extra = {}, token = bearer()) {
  const out = { Accept: 'application/json', ...extra };
  if (token) out.Authorization = `Bearer ${token}`;
  return out;
}

async function errorFrom(response) {
  let body = null;
  try { body = await response.json(); } catch { /* not JSON: a proxy's page */ }
  const e = body && body.error;
  return new ApiError(response.status, (e && e.code) || `http_${response.status}`,
    (e && e.message) || `服务器返回 ${response.status}`, (e && e.details) || {});
}

/** Call the API (with the session's token, or `token`); resolve with the parsed JSON (or null for 204), reject with ApiError. */
export async function call(method, path, body, { timeout = 60000, token = bearer() } = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeout);
  let response;
  try {
    response = await fetch(config.apiBase + path, {
      method,
      headers: headers(body === undefined ? {} : { 'Content-Type': 'application/json' }, token),
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit',
      cache: 'no-store',
      signal: controller.signal,
    });
  } catch (error) {
    throw new ApiError(0, 'network', controller.signal.aborted ? '连接超时' : '无法连接服务器');
  } finally {
    clearTimeout(timer);
  }
  if (!response.ok) throw await errorFrom(response);
  if (response.status === 204) return null;
  try {
    return await response.json();
  } catch {
    throw new ApiError(0, 'network', '服务器响应不完整');
  }
}

/** The ApiError of a finished XMLHttpRequest that did not succeed (the server's JSON error, if any). */
export function xhrError(xhr) {
  let e = null;
  try { e = JSON.parse(xhr.responseText).error; } catch { /* not JSON */ }
  return new ApiError(xhr.status, (e && e.code) || `http_${xhr.status}`,
    (e && e.message) || `服务器返回 ${xhr.status}`, (e && e.details) || {});
}

/** PUT one photo's original bytes (with the original's provenance headers for a downscaled copy); report upload progress; resolve with the HTTP status (200/201). */
export function putPhoto(sha256, blob, onProgress, { timeout = 300000, extra = {} } = {}) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', `${config.apiBase}/photos/${sha256}`);
    xhr.timeout = timeout;
    for (const [k, v] of Object.entries(headers({ 'Content-Type': blob.type || 'application/octet-stream', ...extra }))) {
      xhr.setRequestHeader(k, v);
    }
    xhr.upload.onprogress = (e) => { if (e.lengthComputable && onProgress) onProgress(e.loaded, e.total); };
    xhr.onload = () => (xhr.status === 200 || xhr.status === 201 ? resolve(xhr.status) : reject(xhrError(xhr)));
    xhr.onerror = () => reject(new ApiError(0, 'network', '无法连接服务器'));
    xhr.ontimeout = () => reject(new ApiError(0, 'network', '连接超时'));
    xhr.onabort = () => reject(new ApiError(0, 'network', '上传被中断'));
    xhr.send(blob);
  });
}
