// The server's settings for this app version, embedded in the shell (nothing secret in them).
const node = document.getElementById('field-config');

/** apiBase, maxPhotoBytes, maxPhotoPixels, categories, cadreLevels, severities, version. */
export const config = JSON.parse(node ? node.textContent : '{}');

/** Take the limits the server sent in the bootstrap (they win over the shell's). */
export function applyServerLimits({ limits }) {
  config.maxPhotoBytes = limits.max_photo_bytes;  // PUT's limit; larger photos go by tus up to the next
  config.maxUploadBytes = limits.max_upload_photo_bytes || limits.max_photo_bytes;
  config.tus = !!limits.max_upload_photo_bytes;  // the server takes resumable uploads
  config.maxPhotoPixels = limits.max_photo_pixels;
  config.maxSyncBytes = limits.max_sync_bytes;
  config.maxRecordsPerBatch = limits.max_records_per_batch;
}
