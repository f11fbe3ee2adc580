// Photos on the phone: check against the server's limits before queueing, hash with Web Crypto,
// make a thumbnail, and downscale with a canvas when the inspector agrees (keeping the original's EXIF block
// and recording its SHA-256, size and pixel size).
import { config } from './config.js';
import { exifSegment, withExif } from './exif.js';

const THUMB_EDGE = 240;

/** Return the image type from the file's leading bytes (never from its name or header). */
function sniff(head) {
  const b = new Uint8Array(head);
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'image/png';
  if (b[0] === 0x52 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x46
    && b[8] === 0x57 && b[9] === 0x45 && b[10] === 0x42 && b[11] === 0x50) return 'image/webp';
  return null;
}

/** The hex SHA-256 of some bytes. */
export async function sha256(buffer) {
  const digest = await crypto.subtle.digest('SHA-256', buffer);
  return [...new Uint8Array(digest)].map((x) => x.toString(16).padStart(2, '0')).join('');
}

function canvasFor(width, height) {
  if (typeof OffscreenCanvas === 'function') return new OffscreenCanvas(width, height);
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  return canvas;
}

function encode(canvas, type, quality) {
  if (canvas.convertToBlob) return canvas.convertToBlob({ type, quality });
  return new Promise((resolve) => canvas.toBlob(resolve, type, quality));
}

async function draw(bitmap, edge, type, quality, sized = false) {
  const scale = Math.min(1, edge / Math.max(bitmap.width, bitmap.height));
  const w = Math.max(1, Math.round(bitmap.width * scale));
  const h = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = canvasFor(w, h);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, w, h);
  ctx.drawImage(bitmap, 0, 0, w, h);
  const blob = await encode(canvas, type, quality);
  return sized ? [blob, w, h] : blob;
}

/**
 * Read a picked file. Resolves with {ok: true, blob, sha256, thumb, taken_at, name} when the server will
 * take it as is, or {ok: false, reason: 'too_large'|'too_many_pixels'|'wrong_type'|'unreadable', ...}.
 */
export async function inspect(file) {
  const buffer = await file.arrayBuffer();
  const type = sniff(buffer.slice(0, 16));
  let bitmap = null;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    return { ok: false, reason: type ? 'unreadable' : 'wrong_type', file, size: file.size };
  }
  const pixels = bitmap.width * bitmap.height;
  const info = { file, size: file.size, width: bitmap.width, height: bitmap.height, pixels,
    taken_at: new Date(file.lastModified || Date.now()).toISOString(), name: file.name || '' };
  try {
    if (!type || !config.photoTypes.includes(type)) return { ok: false, reason: 'wrong_type', ...info };
    if (file.size > (config.maxUploadBytes || config.maxPhotoBytes)) return { ok: false, reason: 'too_large', ...info };
    if (pixels > config.maxPhotoPixels) return { ok: false, reason: 'too_many_pixels', ...info };
    const thumb = await draw(bitmap, THUMB_EDGE, 'image/jpeg', 0.7);
    const blob = new Blob([buffer], { type });
    return { ok: true, blob, sha256: await sha256(buffer), thumb, ...info };
  } finally {
    bitmap.close();
  }
}

/** Re-encode a photo as a JPEG under the server's limits; resolves like inspect() or with ok: false. */
export async function downscale(file) {
  let bitmap;
  let source;
  try {
    source = await file.arrayBuffer();
    bitmap = await createImageBitmap(file);
  } catch {
    return { ok: false, reason: 'unreadable', file };
  }
  const exif = exifSegment(source);
  const original = { sha256: await sha256(source), size: source.byteLength, width: bitmap.width, height: bitmap.height };
  try {
    const pixelEdge = Math.floor(Math.sqrt(config.maxPhotoPixels * 0.9 * Math.max(bitmap.width, bitmap.height)
      / Math.min(bitmap.width, bitmap.height)));
    let edge = Math.min(Math.max(bitmap.width, bitmap.height), 4096, pixelEdge);
    let quality = 0.88;
    for (let attempt = 0; attempt < 12 && edge >= 480; attempt += 1) {
      const [blob, w, h] = await draw(bitmap, edge, 'image/jpeg', quality, true);
      if (blob && blob.size + (exif ? exif.length : 0) <= config.maxPhotoBytes * 0.98) {
        const buffer = withExif(await blob.arrayBuffer(), exif && exif.slice(), w, h);
        const thumb = await draw(bitmap, THUMB_EDGE, 'image/jpeg', 0.7);
        return { ok: true, blob: new Blob([buffer], { type: 'image/jpeg' }), sha256: await sha256(buffer), thumb,
          size: buffer.length, taken_at: new Date(file.lastModified || Date.now()).toISOString(),
          name: file.name || '', downscaled: true, original };
      }
      const ratio = blob ? Math.sqrt((config.maxPhotoBytes * 0.9) / blob.size) : 0.8;
      edge = Math.floor(edge * Math.min(0.9, Math.max(0.5, ratio)));
      quality = Math.max(0.7, quality - 0.04);
    }
    return { ok: false, reason: 'downscale_failed', file };
  } finally {
    bitmap.close();
  }
}

/** Ask the browser how much storage is used; warn when it is nearly full. */
export async function storageStatus() {
  if (!navigator.storage || !navigator.storage.estimate) return null;
  const { usage = 0, quota = 0 } = await navigator.storage.estimate();
  const persisted = navigator.storage.persisted ? await navigator.storage.persisted() : false;
  const free = quota - usage;
  return { usage, quota, free, persisted, low: quota > 0 && (usage / quota > 0.8 || free < 100 * 1024 * 1024) };
}

/** Ask for persistent storage (the browser may then keep our data under pressure); resolve with the answer. */
export async function requestPersist() {
  if (!navigator.storage || !navigator.storage.persist) return false;
  try {
    return await navigator.storage.persist();
  } catch {
    return false;
  }
}
