// Light, dark or the system's choice; kept in localStorage (not secret) so it applies before first paint.
const KEY = 'field-theme';

/** The saved theme: 'system', 'light' or 'dark'. */
export function savedTheme() {
  try {
    return localStorage.getItem(KEY) || 'system';
  } catch {
    return 'system';
  }
}

/** Apply (and optionally save) a theme. */
export function applyTheme(theme = savedTheme()) {
  try { localStorage.setItem(KEY, theme); } catch { /* private mode */ }
  const dark = theme === 'dark' || (theme === 'system' && matchMedia('(prefers-color-scheme: dark)').matches);
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
  for (const meta of document.querySelectorAll('meta[name=theme-color]')) {  // one per colour scheme
    const own = meta.media.includes('dark') ? '#1f2329' : '#f4f5f7';
    meta.content = theme === 'system' ? own : (dark ? '#1f2329' : '#f4f5f7');
  }
}
