/** The admin page's script (served as /api/admin/ui/app.js): plain browser JavaScript, no build step. */
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
