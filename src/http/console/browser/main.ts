/**
 * The console's entry point: sign-in, routing between pages (location.hash) by the key's roles,
 * and the session. No framework: DOM calls only (see dom.ts for the XSS rule).
 */
import { ApiError, api, forgetKey, keepKey, problemText, session } from './api.js';
import type { Me } from './api-types.js';
import { createAudit } from './audit.js';
import { createCaseView } from './case-view.js';
import { $, clear, el, input, say, show } from './dom.js';
import { createLists } from './lists.js';
import { createQueue } from './queue.js';
import { createScreen } from './screen.js';

type Page = 'queue' | 'case' | 'audit' | 'lists' | 'screen';
const PAGES: Page[] = ['queue', 'case', 'audit', 'lists', 'screen'];
/** Which roles each page serves; admin may do everything. */
const PAGE_ROLES: Record<Page, string[]> = { queue: ['reviewer', 'admin'], case: ['reviewer', 'admin'], audit: ['auditor', 'admin'], lists: ['reviewer', 'auditor', 'admin'], screen: ['admin'] };

function fail(error: unknown) {
  if (error instanceof ApiError && error.status === 401) signOut();
  say(problemText(error), true);
}

const queue = createQueue(fail);
const caseView = createCaseView(fail);
const audit = createAudit(fail);
const lists = createLists(fail);
// Screening takes the screener role, which opens no page here (the console is for people reviewing): admin only.
const screenByHand = createScreen(fail);

const allowed = (page: Page) => PAGE_ROLES[page].some((role) => session.me?.roles.includes(role));

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
    const me = await api<Me>('GET', '/v1/me');
    session.me = me;
    if (!PAGES.some(allowed)) {
      session.apiKey = null;
      session.me = null;
      say(`This key (roles: ${me.roles.join(', ')}) opens no page of the console: it needs the reviewer, auditor or admin role.`, true);
      return;
    }
    keepKey(session.apiKey);
    say('Signed in.');
    render();
  } catch (error) {
    session.apiKey = null;
    session.me = null;
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

function route(): { page: Page; caseId?: string } {
  const match = /^#\/cases\/([0-9a-f-]{36})$/.exec(location.hash);
  if (match?.[1]) return { page: 'case', caseId: match[1] };
  const named = /^#\/(queue|audit|lists|screen)$/.exec(location.hash)?.[1] as Page | undefined;
  return { page: named ?? PAGES.find(allowed) ?? 'queue' };
}

function showNav() {
  const current = route().page;
  for (const link of $('nav').querySelectorAll<HTMLAnchorElement>('a[data-roles]')) {
    const page = link.id.replace('nav-', '') as Page;
    link.hidden = !allowed(page);
    if (page === current || (current === 'case' && page === 'queue')) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

function render() {
  const signedIn = Boolean(session.apiKey);
  show('sign-in', !signedIn);
  show('session', signedIn);
  show('nav', false);
  for (const page of PAGES) show(page, false);
  if (!signedIn) {
    input('api-key').focus();
    return;
  }
  // Who is signed in is known before a case is shown, so one's own proposal is never offered for approval.
  void (session.me ? Promise.resolve() : whoAmI()).then(() => {
    if (!session.apiKey) return;
    showWho();
    showNav();
    show('nav', true);
    const { page, caseId } = route();
    if (!allowed(page)) {
      say(`This key's roles do not open the ${page} page.`, true);
      return;
    }
    show(page, true);
    if (page === 'case' && caseId) void caseView.load(caseId);
    else if (page === 'queue') void queue.load();
    else if (page === 'audit') void audit.load();
    else if (page === 'lists') void lists.load();
  });
}

function start() {
  $('sign-in-form').addEventListener('submit', signIn);
  $('sign-out').addEventListener('click', signOut);
  queue.start();
  audit.start();
  screenByHand.start();
  window.addEventListener('hashchange', () => {
    say('');
    render();
    $('main').focus({ preventScroll: true });
  });
  render();
}

// A module script runs after the document is parsed: the page is there.
start();
