/**
 * The admin page (ADMIN_UI=true): one static page, one stylesheet inlined under a CSP hash and
 * one script, no build step. Staff sign in with the normal API and the page calls the admin API
 * with a bearer token it keeps in memory only. Everything the server sends is rendered with
 * textContent; the CSP (admin-ui.controller.ts) requires Trusted Types, so an innerHTML
 * assignment would throw rather than render.
 */
export const ADMIN_UI_STYLE = `
  [hidden] { display: none !important; }
  body { font: 14px/1.45 system-ui, sans-serif; margin: 0; color: #1d2330; background: #f6f7f9; }
  header { display: flex; align-items: center; gap: 12px; padding: 10px 20px; background: #1d2330; color: #fff; }
  header h1 { font-size: 17px; margin: 0; flex: 1; }
  main { max-width: 1180px; margin: 0 auto; padding: 16px 20px 40px; }
  section { background: #fff; border: 1px solid #dde1e8; border-radius: 8px; padding: 14px 18px; margin-bottom: 16px; }
  h2 { font-size: 18px; margin: 4px 0 12px; }
  h3 { font-size: 15px; margin: 18px 0 6px; }
  label { font-weight: 600; font-size: 13px; }
  input, select { font: inherit; padding: 5px 7px; border: 1px solid #b9c0cc; border-radius: 4px; }
  button { font: inherit; padding: 5px 12px; border: 1px solid #8993a4; border-radius: 4px; background: #fff; cursor: pointer; }
  button:hover:not(:disabled) { background: #eef2f8; }
  button:disabled { opacity: .45; cursor: default; }
  button.primary { background: #2456c5; border-color: #2456c5; color: #fff; }
  button.danger { border-color: #b3261e; color: #b3261e; }
  button.link { border: 0; background: none; padding: 0; color: #2456c5; text-decoration: underline; }
  :focus-visible { outline: 3px solid #f0a500; outline-offset: 1px; }
  .stack { display: grid; gap: 4px; max-width: 340px; }
  .stack input { margin-bottom: 8px; }
  .row { display: flex; flex-wrap: wrap; align-items: end; gap: 10px; }
  .row > div { display: grid; gap: 3px; }
  #error { background: #fdecea; border: 1px solid #e5a29c; color: #8c1d18; border-radius: 6px; padding: 6px 12px; margin-bottom: 12px; }
  #error p { margin: 4px 0; }
  #notice:not(:empty) { background: #e8f4ea; border: 1px solid #9fcca8; color: #1e5b2a; border-radius: 6px; padding: 8px 12px; margin-bottom: 12px; }
  table { border-collapse: collapse; width: 100%; margin-top: 10px; font-size: 13px; }
  caption { text-align: left; color: #5b6475; padding-bottom: 4px; }
  th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid #e6e9ef; vertical-align: top; }
  th { background: #f0f2f6; font-weight: 600; }
  td.wrap { max-width: 280px; overflow-wrap: anywhere; }
  nav { display: flex; align-items: center; gap: 12px; margin-top: 10px; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 18px; margin: 0 0 12px; }
  dt { color: #5b6475; }
  dd { margin: 0; overflow-wrap: anywhere; }
  .badge { display: inline-block; padding: 0 7px; border-radius: 9px; font-size: 12px; background: #e6e9ef; }
  .badge.on { background: #d6eedb; color: #1e5b2a; }
  .badge.off { background: #fbe0dd; color: #8c1d18; }
  .actions { display: flex; flex-wrap: wrap; gap: 8px; padding: 10px 0; border-top: 1px solid #e6e9ef; border-bottom: 1px solid #e6e9ef; }
  .muted { color: #5b6475; }
`;

export const ADMIN_UI_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Auth service – admin</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${ADMIN_UI_STYLE}</style>
</head>
<body>
<header>
  <h1>Auth service – admin</h1>
  <span id="who" data-testid="who"></span>
  <button id="sign-out" type="button" data-testid="sign-out" hidden>Sign out</button>
</header>
<main>
  <div id="error" role="alert" data-testid="error" hidden></div>
  <div id="notice" role="status" data-testid="notice"></div>

  <section id="sign-in" data-testid="sign-in" aria-labelledby="sign-in-title">
    <h2 id="sign-in-title">Sign in</h2>
    <form id="password-step" class="stack" novalidate>
      <label for="email">E-mail</label>
      <input id="email" type="email" autocomplete="username" required data-testid="email">
      <label for="password">Password</label>
      <input id="password" type="password" autocomplete="current-password" required data-testid="password">
      <div><button type="submit" class="primary" data-testid="sign-in-submit">Sign in</button></div>
    </form>
    <form id="mfa-step" class="stack" hidden novalidate>
      <p id="mfa-hint">Enter the code from your authenticator app, or a recovery code.</p>
      <label for="mfa-code">Code</label>
      <input id="mfa-code" autocomplete="one-time-code" required aria-describedby="mfa-hint" data-testid="mfa-code">
      <div>
        <button type="submit" class="primary" data-testid="mfa-submit">Verify</button>
        <button type="button" id="mfa-cancel" data-testid="mfa-cancel">Start again</button>
      </div>
    </form>
  </section>

  <section id="users" data-testid="users" aria-labelledby="users-title" hidden>
    <h2 id="users-title">Users</h2>
    <form id="search-form" class="row" role="search" novalidate>
      <div><label for="search">Search</label><input id="search" type="search" size="32" placeholder="e-mail, name or phone" data-testid="search"></div>
      <div><label for="filter-active">Status</label>
        <select id="filter-active" data-testid="filter-active"><option value="">Any</option><option value="true">Active</option><option value="false">Inactive</option></select></div>
      <div><label for="filter-staff">Staff</label>
        <select id="filter-staff" data-testid="filter-staff"><option value="">Any</option><option value="true">Staff</option><option value="false">Not staff</option></select></div>
      <div><label for="ordering">Order</label>
        <select id="ordering" data-testid="ordering">
          <option value="-date_joined">Newest first</option><option value="date_joined">Oldest first</option>
          <option value="email">E-mail A–Z</option><option value="-email">E-mail Z–A</option>
          <option value="-last_login">Last sign-in, latest first</option><option value="last_login">Last sign-in, earliest first</option>
        </select></div>
      <div><label for="page-size">Per page</label>
        <select id="page-size" data-testid="page-size"><option>10</option><option selected>25</option><option>50</option><option>100</option></select></div>
      <div><button type="submit" class="primary" data-testid="search-submit">Search</button></div>
    </form>
    <table data-testid="user-table">
      <caption id="user-count" data-testid="user-count"></caption>
      <thead><tr><th scope="col">E-mail</th><th scope="col">Name</th><th scope="col">Status</th><th scope="col">Role</th><th scope="col">Verified</th><th scope="col">MFA</th><th scope="col">Joined</th><th scope="col">Last sign-in</th></tr></thead>
      <tbody id="user-rows"></tbody>
    </table>
    <nav aria-label="User pages">
      <button type="button" id="users-prev" data-testid="users-prev">Previous page</button>
      <span id="users-page" data-testid="users-page"></span>
      <button type="button" id="users-next" data-testid="users-next">Next page</button>
    </nav>
  </section>

  <section id="detail" data-testid="detail" aria-labelledby="detail-title" hidden>
    <button type="button" id="back" data-testid="back">← Back to the list</button>
    <h2 id="detail-title" tabindex="-1" data-testid="detail-title"></h2>
    <dl id="detail-fields" data-testid="detail-fields"></dl>
    <div class="actions" role="group" aria-label="Actions on this user">
      <button type="button" id="toggle-active" data-testid="toggle-active"></button>
      <button type="button" id="end-sessions" data-testid="end-sessions">End all sessions</button>
      <button type="button" id="unlock" data-testid="unlock">Unlock sign-in</button>
      <button type="button" id="send-reset" data-testid="send-reset">Send password reset</button>
    </div>
    <h3 id="sessions-title">Sessions</h3>
    <table data-testid="sessions" aria-labelledby="sessions-title">
      <thead><tr><th scope="col">Started</th><th scope="col">Last used</th><th scope="col">IP</th><th scope="col">Browser</th></tr></thead>
      <tbody id="session-rows"></tbody>
    </table>
    <h3 id="events-title">Events</h3>
    <table data-testid="events" aria-labelledby="events-title">
      <caption id="event-count" data-testid="event-count"></caption>
      <thead><tr><th scope="col">When</th><th scope="col">Event</th><th scope="col">By</th><th scope="col">IP</th><th scope="col">Browser</th><th scope="col">Details</th></tr></thead>
      <tbody id="event-rows"></tbody>
    </table>
    <nav aria-label="Event pages">
      <button type="button" id="events-prev" data-testid="events-prev">Newer</button>
      <span id="events-page" data-testid="events-page"></span>
      <button type="button" id="events-next" data-testid="events-next">Older</button>
    </nav>
  </section>
</main>
<script src="/api/admin/ui/app.js"></script>
</body>
</html>`;

export const ADMIN_UI_SCRIPT = `'use strict';
// The tokens live in this object only: nothing goes to storage, and every call is made with
// credentials: 'omit', so no cookie is sent or kept (the page authenticates with a bearer header).
const state = { access: null, refresh: null, me: null, email: null, mfaToken: null, renewing: null, list: null, user: null, eventsPage: 1 };
const EVENTS_PAGE_SIZE = 20;
const $ = (id) => document.getElementById(id);

/** An element with text (always as text, never as markup) and attributes. */
function el(tag, text, attributes) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value);
  return node;
}

function badge(on, yes, no) {
  return el('span', on ? yes : no, { class: 'badge ' + (on ? 'on' : 'off') });
}

/** The one row of an empty table, saying why it is empty. */
function emptyRow(text, columns) {
  const row = el('tr');
  row.append(el('td', text, { colspan: String(columns), class: 'muted', 'data-testid': 'empty' }));
  return row;
}

function when(iso) {
  return iso ? new Date(iso).toLocaleString() : '—';
}

class ApiError extends Error {
  constructor(status, data) {
    super('HTTP ' + status);
    this.status = status;
    this.data = data;
  }
}

/** The lines an API error shows: its detail and code, or each field's messages. */
function errorLines(status, data) {
  if (data && typeof data === 'object') {
    if (typeof data.detail === 'string') return [data.code ? data.detail + ' (' + data.code + ')' : data.detail];
    const lines = [];
    for (const [field, messages] of Object.entries(data)) {
      for (const message of [].concat(messages)) lines.push(field === 'non_field_errors' ? String(message) : field + ': ' + String(message));
    }
    if (lines.length) return lines;
  }
  return status ? ['The server answered ' + status + '.'] : ['The server could not be reached.'];
}

function showError(lines) {
  $('error').replaceChildren(...lines.map((line) => el('p', line)));
  $('error').hidden = false;
}

function clearMessages() {
  $('error').hidden = true;
  $('error').replaceChildren();
  $('notice').textContent = '';
}

function notify(text) {
  $('notice').textContent = text;
}

async function send(method, path, body, token) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = 'Bearer ' + token;
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'omit', cache: 'no-store' });
  } catch {
    return { status: 0, data: null };
  }
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  return { status: response.status, data };
}

/** One refresh at a time: calls that fail together wait for the same new pair. */
function renew() {
  if (!state.renewing) {
    state.renewing = send('POST', '/api/token/refresh/', { refresh: state.refresh }).then(({ status, data }) => {
      state.renewing = null;
      if (status !== 200 || !data || !data.access) return false;
      state.access = data.access;
      state.refresh = data.refresh;
      return true;
    });
  }
  return state.renewing;
}

/** An admin API call. An access token the server no longer takes is renewed once and the call repeated once. */
async function api(method, path, body) {
  const token = state.access;
  let result = await send(method, path, body, token);
  if (result.status === 401 && result.data && result.data.code === 'token_not_valid' && state.refresh) {
    const renewed = state.access !== token || (await renew());
    if (!renewed) {
      signedOut();
      throw new ApiError(401, { detail: 'Your session has ended. Sign in again.', code: 'token_not_valid' });
    }
    result = await send(method, path, body, state.access);
  }
  if (result.status === 0 || result.status >= 400) throw new ApiError(result.status, result.data);
  return result.data;
}

/** An event handler that shows what went wrong instead of failing silently. */
function handler(work) {
  return async (event) => {
    if (event) event.preventDefault();
    clearMessages();
    document.body.setAttribute('aria-busy', 'true');
    try {
      await work(event);
    } catch (error) {
      showError(error instanceof ApiError ? errorLines(error.status, error.data) : ['This page failed: ' + error.message]);
    } finally {
      document.body.removeAttribute('aria-busy');
    }
  };
}

function view(name) {
  for (const id of ['sign-in', 'users', 'detail']) $(id).hidden = id !== name;
  const signedIn = name !== 'sign-in';
  $('sign-out').hidden = !signedIn;
  $('who').textContent = signedIn ? 'Signed in as ' + state.email : '';
}

// ---- signing in and out

function passwordStep() {
  state.mfaToken = null;
  $('mfa-step').hidden = true;
  $('password-step').hidden = false;
  $('mfa-code').value = '';
  view('sign-in');
  $('email').focus();
}

function signedOut() {
  state.access = null;
  state.refresh = null;
  state.user = null;
  state.list = null;
  $('user-rows').replaceChildren();
  $('detail-fields').replaceChildren();
  passwordStep();
}

async function endSession() {
  if (state.refresh) await send('POST', '/api/auth/logout/', { refresh: state.refresh }, state.access);
  signedOut();
}

async function signedIn(data, email) {
  if (!data || !data.access) {
    throw new ApiError(200, { detail: 'The server answered without tokens (cookie mode, AUTH_COOKIE=true); this page signs in with bearer tokens only.' });
  }
  state.access = data.access;
  state.refresh = data.refresh;
  state.email = data.user ? data.user.email : email;
  state.me = data.user ? data.user.id : null;
  state.mfaToken = null;
  $('password').value = '';
  $('mfa-code').value = '';
  try {
    await loadUsers(readFilters(), 1);
  } catch (error) {
    // Not staff, or staff without the second factor: this sign-in is of no use here, so end it.
    await endSession();
    throw error;
  }
  view('users');
  $('search').focus();
}

$('password-step').onsubmit = handler(async () => {
  const email = $('email').value.trim();
  const { status, data } = await send('POST', '/api/login/', { email, password: $('password').value });
  if (status !== 200) throw new ApiError(status, data);
  if (data && data.mfa_required) {
    state.mfaToken = data.mfa_token;
    $('password').value = '';
    $('password-step').hidden = true;
    $('mfa-step').hidden = false;
    $('mfa-code').focus();
    return;
  }
  await signedIn(data, email);
});

$('mfa-step').onsubmit = handler(async () => {
  const { status, data } = await send('POST', '/api/auth/login/mfa/', { mfa_token: state.mfaToken, code: $('mfa-code').value.trim() });
  if (status === 401) {
    // The ticket expired or was spent: only the password step can issue a new one.
    passwordStep();
    throw new ApiError(status, { detail: 'The sign-in took too long or the code was refused. Enter your password again.', code: data && data.code });
  }
  if (status !== 200) throw new ApiError(status, data);
  await signedIn(data, $('email').value.trim());
});

$('mfa-cancel').onclick = () => {
  clearMessages();
  passwordStep();
};

$('sign-out').onclick = handler(async () => {
  await endSession();
  notify('Signed out.');
});

// ---- the user list

function readFilters() {
  return { search: $('search').value.trim(), is_active: $('filter-active').value, is_staff: $('filter-staff').value, ordering: $('ordering').value, page_size: $('page-size').value };
}

async function loadUsers(filters, page) {
  const query = new URLSearchParams({ page: String(page), page_size: filters.page_size, ordering: filters.ordering });
  for (const name of ['search', 'is_active', 'is_staff']) if (filters[name]) query.set(name, filters[name]);
  const data = await api('GET', '/api/admin/users/?' + query);
  state.list = { filters, page };
  const rows = data.results.map(userRow);
  if (!rows.length) rows.push(emptyRow('No user matches.', 8));
  $('user-rows').replaceChildren(...rows);
  const pages = Math.max(1, Math.ceil(data.count / Number(filters.page_size)));
  $('user-count').textContent = data.count === 1 ? '1 user' : data.count + ' users';
  $('users-page').textContent = 'Page ' + page + ' of ' + pages;
  $('users-prev').disabled = !data.previous;
  $('users-next').disabled = !data.next;
}

function userRow(user) {
  const row = el('tr', null, { 'data-testid': 'user-row' });
  const open = el('button', user.email, { type: 'button', class: 'link', 'data-testid': 'open-user' });
  open.dataset.id = user.id;
  open.onclick = handler(() => openUser(user.id, true));
  const email = el('td', null, { class: 'wrap' });
  email.append(open);
  const status = el('td');
  status.append(badge(user.is_active, 'active', 'inactive'));
  const role = user.is_superuser ? 'superuser' : user.is_staff ? 'staff' : '—';
  row.append(email, el('td', [user.first_name, user.last_name].filter(Boolean).join(' ') || '—'), status, el('td', role),
    el('td', user.email_verified ? 'yes' : 'no'), el('td', user.mfa_enabled ? 'on' : 'off'), el('td', when(user.date_joined)), el('td', when(user.last_login)));
  return row;
}

$('search-form').onsubmit = handler(() => loadUsers(readFilters(), 1));
$('users-prev').onclick = handler(() => loadUsers(state.list.filters, state.list.page - 1));
$('users-next').onclick = handler(() => loadUsers(state.list.filters, state.list.page + 1));

// ---- one user

function userPath(id) {
  return '/api/admin/users/' + encodeURIComponent(id) + '/';
}

async function openUser(id, focus) {
  const user = await api('GET', userPath(id));
  state.user = user;
  renderUser(user);
  await loadEvents(1);
  view('detail');
  if (focus) $('detail-title').focus();
}

function renderUser(user) {
  $('detail-title').textContent = user.email;
  const fields = [
    ['Status', badge(user.is_active, 'active', 'inactive')],
    ['Name', [user.first_name, user.last_name].filter(Boolean).join(' ') || '—'],
    ['Phone', user.phone || '—'],
    ['Role', user.is_superuser ? 'superuser' : user.is_staff ? 'staff' : 'user'],
    ['E-mail verified', user.email_verified ? 'yes' : 'no'],
    ['MFA', user.mfa && user.mfa.enabled ? 'on, ' + user.mfa.recovery_codes_left + ' recovery codes left' : 'off'],
    ['Password', user.has_password ? 'set' : 'none (social sign-in only)'],
    ['Social accounts', (user.social_accounts || []).map((account) => account.provider + (account.email ? ' (' + account.email + ')' : '')).join(', ') || '—'],
    ['Joined', when(user.date_joined)],
    ['Last sign-in', when(user.last_login)],
    ['Id', user.id],
  ];
  $('detail-fields').replaceChildren(...fields.flatMap(([name, value]) => {
    const dd = el('dd', typeof value === 'string' ? value : null, { 'data-testid': 'field-' + name.toLowerCase().replace(/[^a-z]+/g, '-') });
    if (typeof value !== 'string') dd.append(value);
    return [el('dt', name), dd];
  }));
  $('toggle-active').textContent = user.is_active ? 'Deactivate' : 'Activate';
  $('toggle-active').className = user.is_active ? 'danger' : '';
  const sessions = (user.sessions || []).map((session) => {
    const row = el('tr', null, { 'data-testid': 'session-row' });
    row.append(el('td', when(session.created)), el('td', when(session.last_used)), el('td', session.ip || '—'), el('td', session.user_agent || '—', { class: 'wrap' }));
    return row;
  });
  if (!sessions.length) sessions.push(emptyRow('No open session.', 4));
  $('session-rows').replaceChildren(...sessions);
}

async function loadEvents(page) {
  const query = new URLSearchParams({ user: state.user.id, page: String(page), page_size: String(EVENTS_PAGE_SIZE) });
  const data = await api('GET', '/api/admin/events/?' + query);
  state.eventsPage = page;
  const rows = data.results.map((event) => {
    const row = el('tr', null, { 'data-testid': 'event-row' });
    const actor = !event.actor ? '—' : event.actor === state.user.id ? 'the user' : event.actor === state.me ? 'you' : event.actor;
    row.append(el('td', when(event.created)), el('td', event.event, { 'data-testid': 'event-type' }), el('td', actor, { class: 'wrap' }), el('td', event.ip || '—'),
      el('td', event.user_agent || '—', { class: 'wrap' }), el('td', event.details && Object.keys(event.details).length ? JSON.stringify(event.details) : '—', { class: 'wrap', 'data-testid': 'event-details' }));
    return row;
  });
  if (!rows.length) rows.push(emptyRow('No event recorded.', 6));
  $('event-rows').replaceChildren(...rows);
  $('event-count').textContent = data.count === 1 ? '1 event' : data.count + ' events, newest first';
  $('events-page').textContent = 'Page ' + page + ' of ' + Math.max(1, Math.ceil(data.count / EVENTS_PAGE_SIZE));
  $('events-prev').disabled = !data.previous;
  $('events-next').disabled = !data.next;
}

$('events-prev').onclick = handler(() => loadEvents(state.eventsPage - 1));
$('events-next').onclick = handler(() => loadEvents(state.eventsPage + 1));

/** Back to the list (reloaded, since an action may have changed the user), focus on the user's row. */
async function back() {
  const id = state.user.id;
  try {
    await loadUsers(state.list.filters, state.list.page);
  } catch (error) {
    // The list got shorter (say, an inactive-only list after an activation): its page is gone.
    if (!(error instanceof ApiError && error.status === 404 && state.list.page > 1)) throw error;
    await loadUsers(state.list.filters, 1);
  }
  view('users');
  const row = [...$('user-rows').querySelectorAll('button')].find((button) => button.dataset.id === id);
  (row || $('search')).focus();
}

$('back').onclick = handler(back);
$('detail').addEventListener('keydown', (event) => {
  if (event.key === 'Escape') handler(back)();
});

/** Runs an action on the open user, shows its answer, then reloads the user (status, sessions, events). */
function userAction(run) {
  return handler(async () => {
    const user = state.user;
    const message = await run(user);
    if (message === null) return;
    await openUser(user.id, false);
    notify(message);
  });
}

$('toggle-active').onclick = userAction(async (user) => {
  if (user.is_active && !confirm('Deactivate ' + user.email + '? Their sessions end and they cannot sign in until activated again.')) return null;
  await api('PATCH', userPath(user.id), { is_active: !user.is_active });
  return user.is_active ? user.email + ' is deactivated; their sessions have ended.' : user.email + ' is active again.';
});

$('end-sessions').onclick = userAction(async (user) => {
  if (!confirm('End every session of ' + user.email + '?')) return null;
  const data = await api('POST', userPath(user.id) + 'logout/');
  return data.detail + ' Sessions ended: ' + data.sessions_ended + '.';
});

$('unlock').onclick = userAction(async (user) => (await api('POST', userPath(user.id) + 'unlock/')).detail);
$('send-reset').onclick = userAction(async (user) => (await api('POST', userPath(user.id) + 'password-reset/')).detail);

passwordStep();
`;
