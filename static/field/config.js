// The server's settings for this app version, embedded in the shell (nothing secret in them).
const node = document.getElementById('field-config');

/** apiBase, maxPhotoBytes, maxPhotoPixels, categories, cadreLevels, severities, version. */
export const config = JSON.parse(node ? node.textContent : '{}');

/** Apply limits the server sent in the bootstrap, when it sends them (they win over the shell's). */
export function applyServerLimits(bootstrap) {
  const limits = (bootstrap && (bootstrap.limits || bootstrap.config)) || {};
  const maxBytes = limits.max_photo_bytes ?? limits.maxPhotoBytes;
  const maxPixels = limits.max_photo_pixels ?? limits.maxPhotoPixels;
  if (Number.isFinite(maxBytes) && maxBytes > 0) config.maxPhotoBytes = maxBytes;
  if (Number.isFinite(maxPixels) && maxPixels > 0) config.maxPhotoPixels = maxPixels;
  if (Number.isFinite(limits.max_sync_bytes) && limits.max_sync_bytes > 0) config.maxSyncBytes = limits.max_sync_bytes;
  if (Number.isFinite(limits.max_records_per_batch)) config.maxRecordsPerBatch = limits.max_records_per_batch;
}
