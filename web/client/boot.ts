/**
 * The first script: trades the token in the URL fragment for the session cookie, drops the
 * fragment from the address bar and history, then loads the app (which needs the cookie).
 */
const bootStatus = document.getElementById('boot');

async function boot() {
  const m = /[#&]token=([A-Za-z0-9_-]+)/.exec(location.hash);
  if (m) {
    history.replaceState(null, '', location.pathname + location.search);
    const r = await fetch('/api/session', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ token: m[1] }),
      credentials: 'same-origin',
    });
    if (!r.ok)
      throw new Error(
        'This link’s token is not the one the server expects. Open the link `vault-lab web` printed last.',
      );
  }
  const probe = await fetch('/api/course', { credentials: 'same-origin' });
  if (probe.status === 403)
    throw new Error('Open the link that `vault-lab web` printed in your terminal: it carries your access token.');
  const css = document.createElement('link');
  css.rel = 'stylesheet';
  css.href = '/app.css';
  document.head.append(css);
  const js = document.createElement('script');
  js.type = 'module';
  js.src = '/app.js';
  document.head.append(js);
}

boot().catch((e: Error) => {
  if (bootStatus) bootStatus.textContent = e.message;
});
export {};
