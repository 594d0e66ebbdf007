/**
 * The developer test page (AUTH_DEV_UI=true): one static page and one script, no build step.
 * Tokens live in this page's memory only, never in storage.
 */
export const DEV_UI_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Auth service – developer page</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { font: 14px/1.45 system-ui, sans-serif; margin: 0; display: grid; grid-template-columns: minmax(320px, 460px) 1fr; height: 100vh; }
  main { overflow: auto; padding: 12px 16px; border-right: 1px solid #ddd; }
  aside { overflow: auto; padding: 12px 16px; background: #fafafa; }
  fieldset { border: 1px solid #ddd; border-radius: 6px; margin: 0 0 12px; padding: 8px 12px; }
  legend { font-weight: 600; }
  input { width: 100%; box-sizing: border-box; margin: 2px 0 6px; padding: 5px; }
  button { margin: 2px 4px 2px 0; padding: 5px 10px; cursor: pointer; }
  pre { white-space: pre-wrap; word-break: break-all; background: #fff; border: 1px solid #eee; padding: 6px; margin: 4px 0 10px; font-size: 12px; }
  #status { padding: 6px 8px; background: #eef3ff; border-radius: 4px; margin-bottom: 10px; }
  .entry h4 { margin: 8px 0 0; font-size: 12px; }
</style>
</head>
<body>
<main>
  <h2>Auth service – developer page</h2>
  <div id="status" data-testid="status">Signed out</div>
  <fieldset><legend>Sign up</legend>
    <input id="su-email" placeholder="email" autocomplete="off">
    <input id="su-password" type="password" placeholder="password">
    <button id="signup">Sign up</button>
  </fieldset>
  <fieldset><legend>Log in</legend>
    <input id="li-email" placeholder="email" autocomplete="off">
    <input id="li-password" type="password" placeholder="password">
    <button id="login">Log in</button>
    <div id="mfa-step" hidden>
      <input id="mfa-code" placeholder="TOTP or recovery code" autocomplete="off">
      <button id="mfa-login">Send code</button>
    </div>
  </fieldset>
  <fieldset><legend>Session</legend>
    <button id="me">GET /api/me/</button>
    <button id="refresh">Refresh</button>
    <button id="logout">Log out</button>
    <button id="sessions">List sessions</button>
    <input id="session-id" placeholder="session id to end">
    <button id="end-session">End session</button>
    <pre id="profile" data-testid="profile"></pre>
  </fieldset>
  <fieldset><legend>Password</legend>
    <input id="pw-old" type="password" placeholder="old password">
    <input id="pw-new" type="password" placeholder="new password">
    <button id="change-password">Change</button>
    <input id="reset-email" placeholder="email for reset">
    <button id="reset">Send reset mail</button>
    <input id="reset-uid" placeholder="uid from the link">
    <input id="reset-token" placeholder="token from the link">
    <input id="reset-new" type="password" placeholder="new password">
    <button id="reset-confirm">Set new password</button>
  </fieldset>
  <fieldset><legend>E-mail verification</legend>
    <input id="verify-key" placeholder="key from the link">
    <button id="verify">Verify</button>
  </fieldset>
  <fieldset><legend>TOTP</legend>
    <button id="totp-setup">Start enrolment</button>
    <div id="totp-secret" data-testid="totp-secret"></div>
    <img id="totp-qr" alt="" width="180">
    <input id="totp-code" placeholder="code from the app" autocomplete="off">
    <button id="totp-confirm">Confirm</button>
    <button id="totp-disable">Disable (with code)</button>
    <pre id="recovery" data-testid="recovery"></pre>
  </fieldset>
</main>
<aside><h3>Requests and responses</h3><div id="log" data-testid="log"></div></aside>
<script src="./app.js"></script>
</body>
</html>`;

export const DEV_UI_SCRIPT = `'use strict';
const state = { access: null, refresh: null, mfaToken: null };
const $ = (id) => document.getElementById(id);
const value = (id) => $(id).value;

function show(title, body) {
  const entry = document.createElement('div');
  entry.className = 'entry';
  const heading = document.createElement('h4');
  heading.textContent = title;
  const pre = document.createElement('pre');
  pre.textContent = typeof body === 'string' ? body : JSON.stringify(body, null, 2);
  entry.append(heading, pre);
  $('log').prepend(entry);
}

function setStatus(text) { $('status').textContent = text; }

async function call(method, path, body, auth = true) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (auth && state.access) headers.Authorization = 'Bearer ' + state.access;
  show('→ ' + method + ' ' + path, body === undefined ? '' : body);
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = text; }
  show('← ' + response.status + ' ' + method + ' ' + path, data === null ? '' : data);
  return { status: response.status, data };
}

function signedIn(data) {
  if (data && data.access) {
    state.access = data.access;
    state.refresh = data.refresh;
    setStatus('Signed in as ' + (data.user ? data.user.email : '?'));
  }
}

$('signup').onclick = async () => {
  const password = value('su-password');
  const { data } = await call('POST', '/api/signup/', { email: value('su-email'), password, password_confirm: password }, false);
  signedIn(data);
};

$('login').onclick = async () => {
  const { data } = await call('POST', '/api/login/', { email: value('li-email'), password: value('li-password') }, false);
  if (data && data.mfa_required) {
    state.mfaToken = data.mfa_token;
    $('mfa-step').hidden = false;
    setStatus('Password accepted: enter a TOTP or recovery code');
  } else signedIn(data);
};

$('mfa-login').onclick = async () => {
  const { data } = await call('POST', '/api/auth/login/mfa/', { mfa_token: state.mfaToken, code: value('mfa-code') }, false);
  if (data && data.access) { $('mfa-step').hidden = true; state.mfaToken = null; }
  signedIn(data);
};

$('me').onclick = async () => {
  const { status, data } = await call('GET', '/api/me/');
  $('profile').textContent = status === 200 ? JSON.stringify(data, null, 2) : '';
};

$('refresh').onclick = async () => {
  const { data } = await call('POST', '/api/token/refresh/', { refresh: state.refresh }, false);
  if (data && data.access) { state.access = data.access; state.refresh = data.refresh; }
};

$('logout').onclick = async () => {
  await call('POST', '/api/auth/logout/', { refresh: state.refresh });
  state.access = null; state.refresh = null;
  $('profile').textContent = '';
  setStatus('Signed out');
};

$('sessions').onclick = () => call('GET', '/api/auth/sessions/');
$('end-session').onclick = () => call('DELETE', '/api/auth/sessions/' + encodeURIComponent(value('session-id')) + '/');
$('change-password').onclick = () => call('POST', '/api/auth/password/change/', { old_password: value('pw-old'), new_password1: value('pw-new'), new_password2: value('pw-new') });
$('reset').onclick = () => call('POST', '/api/auth/password/reset/', { email: value('reset-email') }, false);
$('reset-confirm').onclick = () => call('POST', '/api/auth/password/reset/confirm/', { uid: value('reset-uid'), token: value('reset-token'), new_password1: value('reset-new'), new_password2: value('reset-new') }, false);
// Sent with the session when signed in: verified by the account holder, nothing is revoked.
$('verify').onclick = () => call('POST', '/api/auth/registration/verify-email/', { key: value('verify-key') });

$('totp-setup').onclick = async () => {
  const { data } = await call('POST', '/api/auth/mfa/totp/setup/');
  if (data && data.secret) { $('totp-secret').textContent = data.secret; $('totp-qr').src = data.qr_code; }
};
$('totp-confirm').onclick = async () => {
  const { data } = await call('POST', '/api/auth/mfa/totp/confirm/', { code: value('totp-code') });
  if (data && data.recovery_codes) $('recovery').textContent = data.recovery_codes.join('\\n');
};
$('totp-disable').onclick = () => call('POST', '/api/auth/mfa/totp/disable/', { code: value('totp-code') });
`;
