/**
 * The console's entry point: sign-in, routing between pages (location.hash), and the session.
 * No framework and no build-time dependencies: DOM calls only (see dom.ts for the XSS rule).
 */
import { ApiError, api, forgetKey, keepKey, problemText, session } from './api.js';
import type { CasePage, Me } from './api-types.js';
import { createCaseView } from './case-view.js';
import { $, clear, el, input, say, select, show } from './dom.js';
import { createQueue } from './queue.js';

function fail(error: unknown) {
  if (error instanceof ApiError && error.status === 401) signOut();
  say(problemText(error), true);
}

const queue = createQueue(fail);
const caseView = createCaseView(fail);

function signOut() {
  forgetKey();
  location.hash = '';
  render();
}

async function signIn(event: Event) {
  event.preventDefault();
  const field = input('api-key');
  session.apiKey = field.value.trim();
  field.value = '';
  try {
    await api<CasePage>('GET', '/v1/cases?limit=1');
    session.me = await api<Me>('GET', '/v1/me');
    keepKey(session.apiKey);
    say('Signed in.');
    render();
  } catch (error) {
    session.apiKey = null;
    say(problemText(error), true);
  }
}

async function whoAmI() {
  try {
    session.me = await api<Me>('GET', '/v1/me');
  } catch (error) {
    fail(error);
  }
}

function showWho() {
  const who = clear($('who'));
  const me = session.me;
  if (!me) {
    who.textContent = `key ${(session.apiKey ?? '').slice(0, 8)}…`;
    return;
  }
  who.append('Signed in as ', el('strong', { 'data-testid': 'who-owner', text: me.owner }), ` · key ${me.keyPrefix}…${me.label ? ` (${me.label})` : ''} · ${me.roles.join(', ')}`);
}

function render() {
  const signedIn = Boolean(session.apiKey);
  show('sign-in', !signedIn);
  show('session', signedIn);
  const match = /^#\/cases\/([0-9a-f-]{36})$/.exec(location.hash);
  show('queue', signedIn && !match);
  show('case', signedIn && Boolean(match));
  if (!signedIn) {
    input('api-key').focus();
    return;
  }
  // Who is signed in is known before a case is shown, so one's own proposal is never offered for approval.
  void (session.me ? Promise.resolve() : whoAmI()).then(() => {
    if (!session.apiKey) return;
    showWho();
    if (match?.[1]) void caseView.load(match[1]);
    else void queue.load();
  });
}

function start() {
  $('sign-in-form').addEventListener('submit', signIn);
  $('sign-out').addEventListener('click', signOut);
  $('queue-refresh').addEventListener('click', () => void queue.load());
  select('queue-status').addEventListener('change', () => void queue.load());
  $('back').addEventListener('click', () => (location.hash = ''));
  window.addEventListener('hashchange', () => {
    say('');
    render();
  });
  render();
}

// A module script runs after the document is parsed: the page is there.
start();
