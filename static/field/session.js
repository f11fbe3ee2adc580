// The signed-in session (device token, user, device name): kept in IndexedDB `kv.session`, and its token held
// here for every API call. The only module that sets the token.
import { kvGet, kvSet } from './db.js';

let token = null;

/** The bearer token API calls carry (null before any sign-in in this tab). */
export function bearer() {
  return token;
}

/** Read the kept session and use its token from now on; resolve with the session (undefined if none). */
export async function loadSession() {
  const session = await kvGet('session');
  if (session && session.token) token = session.token;
  return session;
}

/** Use and keep the session a sign-in returned ({token, token_id, user, device_name, at}). */
export async function startSession(session) {
  token = session.token;
  await kvSet('session', session);
}

/** Remember that the server refused this session's token (401): work goes on offline until a new sign-in. */
export function invalidateSession(session) {
  return kvSet('session', { ...session, invalid: true });
}
