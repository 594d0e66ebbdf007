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
