/**
 * The console's single page. It holds no data: everything is fetched from the JSON API with
 * the key the reviewer signs in with. Script and styles are separate files so the page can be
 * served with a Content-Security-Policy that forbids inline code.
 */
export const CONSOLE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>redflag console</title>
<link rel="stylesheet" href="/console/console.css">
<script src="/console/console.js" defer></script>
</head>
<body>
<header class="bar">
  <h1>redflag <span class="muted">case review</span></h1>
  <div id="session" hidden>
    <span id="who" class="muted"></span>
    <button type="button" id="sign-out" class="link">Sign out</button>
  </div>
</header>
<p id="message" role="status" aria-live="polite" hidden></p>
<main>
  <section id="sign-in" hidden>
    <h2>Sign in</h2>
    <p class="muted">Use a reviewer API key. It is kept only in this browser tab (sessionStorage) and sent with each request.</p>
    <form id="sign-in-form" autocomplete="off">
      <label for="api-key">API key</label>
      <input id="api-key" name="api-key" type="password" required spellcheck="false">
      <button type="submit">Sign in</button>
    </form>
  </section>
  <section id="queue" hidden>
    <div class="row">
      <h2>Queue</h2>
      <label>Status
        <select id="queue-status">
          <option value="active" selected>active (not closed)</option>
          <option value="open">open</option>
          <option value="escalated">escalated</option>
          <option value="pending_approval">pending approval</option>
          <option value="closed">closed</option>
          <option value="">all</option>
        </select>
      </label>
      <button type="button" id="queue-refresh">Refresh</button>
      <span id="queue-total" class="muted"></span>
    </div>
    <table class="grid">
      <thead><tr><th>Score</th><th>Outcome</th><th>Status</th><th>Subject</th><th>Assignee</th><th>Opened</th><th>Decisions</th><th></th></tr></thead>
      <tbody id="queue-rows"></tbody>
    </table>
  </section>
  <section id="case" hidden>
    <p><button type="button" id="back" class="link">&larr; Back to the queue</button></p>
    <div id="case-body"></div>
  </section>
</main>
</body>
</html>
`;
