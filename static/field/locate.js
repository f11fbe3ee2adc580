// The phone's position on a visit (its own module: the home screen needs it at first open, the visit screen later).
import { kvGet } from './db.js';
import { patch } from './model.js';

/** Record the phone's position on a visit, if the inspector allows it (never blocks anything). */
export async function locate(visitId) {
  const settings = (await kvGet('settings')) || {};
  if (settings.gps === false || !navigator.geolocation) return;
  navigator.geolocation.getCurrentPosition(
    (pos) => patch(visitId, { 'data.lat': pos.coords.latitude, 'data.lon': pos.coords.longitude,
      'data.accuracy': Math.round(pos.coords.accuracy) }),
    () => {}, { enableHighAccuracy: true, timeout: 30000, maximumAge: 120000 });
}
