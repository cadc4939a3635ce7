import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { api, createReviewerKey, publishNameOnlyRuleset, screen, WATCHLIST } from '../helpers/cases-fixtures.js';
import { listEntry, loadTestList } from '../helpers/list-fixtures.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * The review console in a real headless Chromium (Debian's, no browser download) against the
 * app on a real port: sign in, open a case from the queue, compare, comment, dispose, approve.
 */
const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const ARTIFACTS = path.resolve(import.meta.dirname, '..', '..', 'test-artifacts');
const XSS = '<img src=x onerror="window.__xss=1">';
/** `npm run screenshots` sets this to docs/screenshots: the README's pictures come from this run. */
const SCREENSHOTS = process.env.CONSOLE_SCREENSHOTS_DIR;

/** Every run keeps its pictures in test-artifacts/; the screenshots script also writes them for the README. */
async function snap(page: Page, name: string) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, name), fullPage: true });
  if (SCREENSHOTS) {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, name), fullPage: true });
  }
}

let t: TestApp;
let browser: Browser;
let base: string;
let secondReviewer: string;
const pageErrors: string[] = [];

if (!hasChromium) {
  console.warn(`Skipping the console end-to-end test: ${CHROMIUM} is absent (apt-get install -y chromium).`);
}

// Browser-side expressions are passed as strings: the tests compile without the DOM library.
describe.skipIf(!hasChromium)(`the review console in headless Chromium${hasChromium ? '' : ` (skipped: ${CHROMIUM} is absent)`}`, () => {
  beforeAll(async () => {
    t = await createTestApp({
      beforeBuild: async (database) => {
        await loadTestList(database.db, 'test-watchlist', WATCHLIST);
        await loadTestList(database.db, 'e2e-second', [listEntry({ sourceId: 'S-1', name: 'CHOE, Myong Hak', nationalities: ['KP'] })]);
        // A list with two versions: the second adds an entry and gives the first a birth date.
        await loadTestList(database.db, 'e2e-revised', [listEntry({ sourceId: 'R-1', name: 'YANG, Su Gwang' })]);
        await loadTestList(database.db, 'e2e-revised', [
          listEntry({ sourceId: 'R-1', name: 'YANG, Su Gwang', birthDates: [{ value: '1968-03-02' }] }),
          listEntry({ sourceId: 'R-2', name: 'Taesong Trading Company', type: 'entity' }),
        ]);
        secondReviewer = await createReviewerKey(database.db, 'second reviewer');
      },
    });
    base = (await t.app.listen({ port: 0, host: '127.0.0.1' })).replace('localhost', '127.0.0.1');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    // Generous: the app's start and Chromium's launch share a busy 2-core machine with other work.
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function openConsole(key: string, options: { width?: number; waitFor?: string } = {}): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: options.width ?? 1280, height: 1000 } });
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      // The refused self-approval is an expected 409; the browser logs every non-2xx response.
      if (message.type() === 'error' && !message.text().includes('status of 409')) pageErrors.push(message.text());
    });
    await page.goto(`${base}/console`);
    await page.fill('#api-key', key);
    await page.click('#sign-in-form button[type=submit]');
    await page.waitForSelector(options.waitFor ?? '#queue:not([hidden])');
    return page;
  }

  async function openCaseById(page: Page, caseId: string) {
    await page.goto(`${base}/console#/cases/${caseId}`);
    await page.waitForSelector('[data-testid=case-status]');
  }

  async function openCase(page: Page, caseId: string) {
    await page.locator(`[data-testid=queue-row][data-case-id="${caseId}"] [data-testid=open-case]`).click();
    await page.waitForSelector('[data-testid=case-status]');
  }

  test('a reviewer signs in (the page says who), opens a case from the queue, compares the hit with the list entry, comments and proposes a false positive that another person approves', async () => {
    // Born the same year as the listed person, on another day: a review (the listed date itself would identify them: block).
    const decision = await screen(t, { externalRef: XSS, name: 'Sang Man Kim', birthDate: '1961-03-02' });
    expect(decision.outcome).toBe('review');
    const caseId = decision.caseId!;

    const page = await openConsole(t.keys.reviewer);
    expect(await page.evaluate('sessionStorage.getItem("redflag.apiKey")')).toBe(t.keys.reviewer);
    await expect.poll(() => page.textContent('[data-testid=who-owner]')).toBe('reviewer of default');
    expect(await page.textContent('#who')).toContain(t.keys.reviewer.slice(0, 8));
    const row = page.locator(`[data-testid=queue-row][data-case-id="${caseId}"]`);
    await expect.poll(() => row.textContent()).toContain(XSS);

    await openCase(page, caseId);
    expect(await page.textContent('[data-testid=case-status]')).toBe('open');
    expect(await page.textContent('[data-testid=case-title]')).toContain(XSS);
    const hit = page.locator('[data-testid=hit]').first();
    const entrySide = await hit.locator('[data-testid=entry-side]').textContent();
    expect(entrySide).toContain('KIM, Sang Man');
    expect(entrySide).toContain('1961-08-12');
    expect(entrySide).toContain('DPRK3');
    const subjectSide = await hit.locator('[data-testid=subject-side]').textContent();
    expect(subjectSide).toContain('Sang Man Kim');
    expect(subjectSide).toContain('1961-03-02');
    expect(await hit.locator('[data-testid=indicator]').first().textContent()).toContain('LIST-SDN-PERSON');

    // Markup in a comment is shown as text, never run.
    await page.fill('[data-testid=comment-text]', '<script>window.__xss=2</script> birth years differ');
    await page.click('[data-testid=comment-submit]');
    await expect.poll(() => page.locator('[data-testid=events]').textContent()).toContain('<script>window.__xss=2</script> birth years differ');

    await page.selectOption('[data-testid=disposition-select]', 'false_positive');
    await page.fill('[data-testid=disposition-note]', 'Born 1994; the listed person was born in 1961.');
    await page.click('[data-testid=dispose-submit]');
    // A list hit is involved: clearing it takes a second person, and the proposer cannot approve.
    await expect.poll(() => page.textContent('[data-testid=case-status]')).toBe('pending_approval');
    expect(await page.textContent('#message')).toContain('another person must approve');
    expect(await page.textContent('[data-testid=proposed-by]')).toContain('(you)');
    expect(await page.isDisabled('[data-testid=approve-submit]')).toBe(true);

    const approved = await api(t, secondReviewer).post(`/v1/cases/${caseId}/approve`, { note: 'Agreed.' });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    await page.reload();
    await expect.poll(() => page.textContent('[data-testid=case-status]')).toBe('closed');
    expect(await page.locator('[data-testid=events]').textContent()).toContain('approved false_positive');
    expect(await page.isVisible('[data-testid=reopen]')).toBe(true);

    await snap(page, 'case-closed.png');

    expect(await page.evaluate('window.__xss')).toBeUndefined();
    const stored = await api(t, t.keys.reviewer).get(`/v1/cases/${caseId}`);
    expect(stored.body).toMatchObject({ status: 'closed', disposition: 'false_positive' });
    await page.context().close();
  }, 60_000);

  test('the queue shows name, reference, top reason and assignee; searches, filters, sorts and opens a case with j/k/Enter', async () => {
    const decision = await screen(t, { externalRef: 'e2e-queue', name: 'Sang Man Kim', birthDate: '1961-03-02' });
    const page = await openConsole(t.keys.reviewer);
    await page.fill('#queue-search', 'e2e-queue');
    await page.press('#queue-search', 'Enter');
    const row = page.locator(`[data-testid=queue-row][data-case-id="${decision.caseId}"]`);
    await expect.poll(() => page.locator('[data-testid=queue-row]').count()).toBe(1);
    // Each filter choice says how many cases it would show under the search: this one case.
    await expect.poll(() => page.textContent('#queue-status option[value=active]')).toBe('active (not closed) (1)');
    // The counts without the search (this case and the closed one above) may draw first: wait for the searched ones.
    await expect.poll(() => page.textContent('#queue-status option[value=closed]')).toBe('closed (0)');
    expect(await page.textContent('#queue-assignee option[value=none]')).toBe('unassigned (1)');
    const text = await row.textContent();
    expect(text).toContain('Sang Man Kim');
    expect(text).toContain('e2e-queue');
    expect(text).toContain('test-watchlist');
    expect(await page.locator('#queue-head th').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('Top reason'), expect.stringContaining('Age'), expect.stringContaining('Assignee')]));

    // Cases of this run are minutes old: none has waited a week.
    await page.selectOption('#queue-age', '168');
    await expect.poll(() => page.locator('[data-testid=queue-row]').count()).toBe(0);
    await page.selectOption('#queue-age', '');
    await page.fill('#queue-search', '');
    await page.selectOption('#queue-assignee', 'none');
    await expect.poll(() => row.count()).toBe(1);
    await page.click('#queue-head button[data-sort=name]');
    await expect.poll(() => page.getAttribute('#queue-head th:has(button[data-sort=name])', 'aria-sort')).toBe('ascending');
    const names = await page.locator('[data-testid=queue-row] td:first-child strong').allTextContents();
    expect(names).toEqual([...names].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
    await snap(page, 'queue.png');

    // Keyboard: j moves to the first row, Enter opens it.
    await page.locator('body').press('j');
    const current = await page.getAttribute('[data-testid=queue-row].current', 'data-case-id');
    expect(current).toBeTruthy();
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid=case-status]');
    expect(page.url()).toContain(`#/cases/${current}`);

    // Assignment names a person from the tenant's key owners; the queue then finds it under "me".
    await openCaseById(page, decision.caseId!);
    const owners = await page.locator('[data-testid=assignee-select] option').allTextContents();
    expect(owners).toEqual(expect.arrayContaining(['reviewer of default (you)', 'second reviewer']));
    await page.selectOption('[data-testid=assignee-select]', 'reviewer of default');
    await page.click('[data-testid=assign-submit]');
    await expect.poll(() => page.textContent('#message')).toContain('Assigned to reviewer of default');
    await page.goto(`${base}/console#/queue`);
    await page.selectOption('#queue-assignee', 'me');
    await expect.poll(() => page.locator(`[data-testid=queue-row][data-case-id="${decision.caseId}"]`).count()).toBe(1);
    await page.context().close();
  }, 60_000);

  test('the queue filters by list source with a count per list; paging and sorting fetch no counts again, a filter does', async () => {
    // 26 applicants hitting only the second list, written as one batch: with the case above, more than a page (25).
    const items = Array.from({ length: 26 }, (_, index) => ({ subject: { externalRef: `e2e-second-${String(index + 1).padStart(2, '0')}`, name: 'Choe Myong Hak' } }));
    const batch = await request(t.app.server).post('/v1/screenings/batch').set('Authorization', `Bearer ${t.keys.screener}`).send({ items });
    expect(batch.status, JSON.stringify(batch.body)).toBe(200);
    expect(batch.body.results.every((result: { decision?: { caseId: string | null } }) => result.decision?.caseId), JSON.stringify(batch.body.results[0])).toBe(true);
    const mixed = await screen(t, { externalRef: 'e2e-both-lists', name: 'Han Chol Jin', aliases: ['Choe Myong Hak'] });
    expect(mixed.caseId).toBeTruthy();

    const page = await openConsole(t.keys.reviewer);
    // The menu offers the lists the cases hit, each with its cases.
    await expect.poll(() => page.textContent('#queue-source option[value=e2e-second]')).toBe('e2e-second (27)');
    const countRequests: string[] = [];
    page.on('request', (sent) => {
      if (sent.url().includes('/v1/cases/counts')) countRequests.push(sent.url());
    });
    expect(await page.textContent('#queue-source option[value=test-watchlist]')).toMatch(/^test-watchlist \(\d+\)$/);
    await page.selectOption('#queue-source', 'e2e-second');
    await expect.poll(() => page.textContent('#queue-page')).toBe('1–25 of 27');
    expect(countRequests.length).toBe(1);
    expect(countRequests[0]).toContain('listSource=e2e-second');
    const refs = await page.locator('[data-testid=queue-row] td:first-child .ref').allTextContents();
    expect(refs.every((ref) => ref.startsWith('e2e-second-') || ref === 'e2e-both-lists'), refs.join()).toBe(true);
    expect(await page.inputValue('#queue-source')).toBe('e2e-second');

    await page.click('#queue-next');
    await expect.poll(() => page.textContent('#queue-page')).toBe('26–27 of 27');
    await page.click('#queue-prev');
    await expect.poll(() => page.textContent('#queue-page')).toBe('1–25 of 27');
    await page.click('#queue-head button[data-sort=name]');
    await expect.poll(() => page.getAttribute('#queue-head th:has(button[data-sort=name])', 'aria-sort')).toBe('ascending');
    expect(countRequests.length, 'paging and sorting count nothing again').toBe(1);

    await page.fill('#queue-search', 'e2e-both');
    await page.press('#queue-search', 'Enter');
    await expect.poll(() => page.locator('[data-testid=queue-row]').count()).toBe(1);
    expect(countRequests.length, 'a new search counts again').toBe(2);
    await expect.poll(() => page.textContent('#queue-source option[value=test-watchlist]')).toBe('test-watchlist (1)');
    await page.context().close();
  }, 90_000);

  test('a case draws the subjects it shares an address with as a graph (the confirmed one marked, each openable) and lists them, with the timeline of its steps', async () => {
    const farm = { kind: 'shipping', line1: '400 Warehouse Rd Apt 2', city: 'Nashville', postalCode: '37201', country: 'US' };
    const decisions: Awaited<ReturnType<typeof screen>>[] = [];
    for (const [index, name] of ['Mark Jensen', 'Luis Ortega', 'Sam Whitaker'].entries()) decisions.push(await screen(t, { externalRef: `e2e-farm-${index + 1}`, name, addresses: [farm] }));
    const [, second, third] = decisions;
    expect(second!.caseId && third!.caseId).toBeTruthy();
    const confirmed = await api(t, t.keys.reviewer).post(`/v1/cases/${second!.caseId}/disposition`, { disposition: 'confirmed_match', note: 'Same farm.' });
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);

    const wide = await openConsole(t.keys.reviewer);
    await openCaseById(wide, third!.caseId!);
    const nodes = wide.locator('[data-testid=link-graph] [data-testid=graph-node]');
    await expect.poll(() => nodes.count()).toBe(2);
    expect(await wide.locator('[data-testid=graph-edge]').count()).toBe(2);
    const listed = await wide.locator('[data-testid=linked-subject]').allTextContents();
    // The list names the shared field (/subject/addresses/0); the edge its kind (addresses).
    const sharedField = /shares (.+?) /.exec(listed[0]!)?.[1];
    expect(await wide.locator('[data-testid=graph-edge]').first().textContent()).toBe(sharedField!.split('/')[2]);
    const confirmedNode = wide.locator('[data-testid=graph-node][data-state=confirmed]');
    expect(await confirmedNode.count()).toBe(1);
    expect(await confirmedNode.getAttribute('aria-label')).toContain('e2e-farm-2');
    await snap(wide, 'case-graph.png');
    await confirmedNode.click();
    await expect.poll(() => wide.url()).toContain(`#/cases/${second!.caseId}`);
    await wide.waitForSelector('[data-testid=case-status]');
    await expect.poll(() => wide.textContent('[data-testid=case-title]')).toContain('e2e-farm-2');
    await wide.context().close();

    const page = await openConsole(t.keys.reviewer, { width: 390 });
    await openCaseById(page, third!.caseId!);
    const linked = page.locator('[data-testid=linked-subject]');
    await expect.poll(() => linked.count()).toBe(2);
    expect(await page.locator('[data-testid=linked-subjects]').textContent()).toContain('e2e-farm-1');
    expect(await page.locator('[data-testid=timeline-item]').first().textContent()).toContain('opened by a');
    // Phone width: nothing wider than the screen but the scrollable tables.
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth + 1')).toBe(true);
    await snap(page, 'case-linked-phone.png');
    await page.locator(`[data-testid=linked-subject] a[href="#/cases/${second!.caseId}"]`).click();
    await expect.poll(() => page.url()).toContain(`#/cases/${second!.caseId}`);
    await page.waitForSelector('[data-testid=case-status]');
    await page.context().close();
  }, 90_000);

  test('an auditor verifies the chain for a period, sees the administrative events and downloads the export; the lists page shows active versions', async () => {
    const page = await openConsole(t.keys.auditor, { waitFor: '#audit:not([hidden])' });
    expect(await page.isVisible('#nav-queue')).toBe(false);
    expect(await page.isVisible('#nav-screen')).toBe(false);
    await page.fill('#audit-from', '2020-01-01');
    await page.click('#audit-verify');
    await expect.poll(() => page.textContent('[data-testid=verify-verdict]')).toContain('verifies');
    expect(await page.textContent('[data-testid=verify-result]')).toContain('Decisions checked');
    await snap(page, 'audit.png');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#audit-csv')]);
    expect(download.suggestedFilename()).toBe('redflag-decisions-from-2020-01-01.csv');
    const file = await download.path();
    expect(readFileSync(file, 'utf8')).toContain('manifest');
    const [ndjson] = await Promise.all([page.waitForEvent('download'), page.click('#audit-ndjson')]);
    expect(ndjson.suggestedFilename()).toMatch(/\.ndjson$/);

    await page.click('#nav-lists');
    await page.waitForSelector('#lists:not([hidden])');
    await expect.poll(() => page.locator('[data-testid=list-row][data-source=test-watchlist]').textContent()).toContain('v1');
    await page.locator('[data-testid=list-row][data-source=test-watchlist] [data-testid=list-diff-open]').click();
    await expect.poll(() => page.textContent('[data-testid=list-diff-summary]')).toContain('test-watchlist v1, the first version');
    expect(await page.locator('[data-testid=diff-added] tbody tr').count()).toBeGreaterThan(0);
    // A changed entry says which of its fields changed.
    await page.locator('[data-testid=list-row][data-source=e2e-revised] [data-testid=list-diff-open]').click();
    await expect.poll(() => page.textContent('[data-testid=list-diff-summary]')).toBe('e2e-revised v2, against v1: 1 added, 0 removed, 1 changed.');
    expect(await page.textContent('[data-testid=diff-changed] [data-testid=diff-fields]')).toBe('birth dates');
    // An auditor reads the rulesets (the active one with its rules) but runs no dry run.
    await expect.poll(() => page.locator('[data-testid=ruleset-active] tbody tr').count()).toBeGreaterThan(0);
    expect(await page.textContent('[data-testid=ruleset-active]')).toContain('list-name-match');
    expect(await page.locator('[data-testid=dry-run]').count()).toBe(0);
    await page.context().close();
  }, 60_000);

  test('a screener key opens no page of the console and is not kept', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${base}/console`);
    await page.fill('#api-key', t.keys.screener);
    await page.click('#sign-in-form button[type=submit]');
    await expect.poll(() => page.textContent('#message')).toContain('opens no page');
    expect(await page.evaluate('sessionStorage.getItem("redflag.apiKey")')).toBeNull();
    expect(await page.isVisible('#queue')).toBe(false);
    await context.close();
  }, 30_000);

  test('a block case is proposed by one reviewer and approved in the console by a second one', async () => {
    await publishNameOnlyRuleset(t.database.db, 2, { review: 30, block: 45 }, t.rulesets);
    const decision = await screen(t, { externalRef: 'e2e-block', name: 'Pak Hwa Song' });
    expect(decision.outcome).toBe('block');
    const caseId = decision.caseId!;

    const first = await openConsole(t.keys.reviewer);
    // Earlier tests filled more than a page: find it by its block outcome.
    await first.selectOption('#queue-outcome', 'block');
    await openCase(first, caseId);
    await first.selectOption('[data-testid=disposition-select]', 'confirmed_match');
    await first.fill('[data-testid=disposition-note]', 'Same person.');
    await first.click('[data-testid=dispose-submit]');
    await expect.poll(() => first.textContent('[data-testid=case-status]')).toBe('pending_approval');
    // The proposer cannot approve their own proposal: the console says so and offers no button.
    expect(await first.textContent('[data-testid=proposed-by]')).toContain('(you)');
    expect(await first.isDisabled('[data-testid=approve-submit]')).toBe(true);
    await first.click('#sign-out');
    await first.waitForSelector('#sign-in:not([hidden])');
    expect(await first.evaluate('sessionStorage.getItem("redflag.apiKey")')).toBeNull();
    await first.context().close();

    const second = await openConsole(secondReviewer);
    await second.selectOption('#queue-status', 'pending_approval');
    await openCase(second, caseId);
    await second.fill('[data-testid=approve-note]', 'Agreed.');
    await second.click('[data-testid=approve-submit]');
    await expect.poll(() => second.textContent('[data-testid=case-status]')).toBe('closed');
    expect(await second.locator('[data-testid=events]').textContent()).toContain('approved confirmed_match');
    await second.context().close();
  }, 60_000);

  test("an admin reads the lists and rules page: a draft's rules and weights, and its dry run as a table", async () => {
    const draft = await api(t, t.keys.rulesAdmin).post('/v1/rulesets/drafts', {});
    expect(draft.status, JSON.stringify(draft.body)).toBe(201);
    const version = draft.body.version as number;
    const raised = await request(t.app.server).patch(`/v1/rulesets/${version}/rules/list-name-match`).set('Authorization', `Bearer ${t.keys.rulesAdmin}`).send({ weight: 5 });
    expect(raised.status, JSON.stringify(raised.body)).toBe(200);

    const page = await openConsole(t.keys.admin);
    // Admin holds every role: every page is offered, the audit page verifies for it too.
    for (const link of ['#nav-queue', '#nav-audit', '#nav-lists', '#nav-screen']) expect(await page.isVisible(link), link).toBe(true);
    await page.click('#nav-audit');
    await page.click('#audit-verify');
    await expect.poll(() => page.textContent('[data-testid=verify-verdict]')).toContain('verifies');
    await page.click('#nav-lists');
    const section = page.locator(`[data-testid=ruleset-draft][data-version="${version}"]`);
    await expect.poll(() => section.count()).toBe(1);
    const row = section.locator('tbody tr', { hasText: 'list-name-match' });
    expect(await row.locator('td').nth(3).textContent()).toBe('5');
    await page.fill('[data-testid=dry-run-limit]', '50');
    await page.click('[data-testid=dry-run-submit]');
    await expect.poll(() => page.textContent('[data-testid=dry-run-summary]')).toMatch(/over the last \d+ screenings: \d+ would change/);
    const summary = (await page.textContent('[data-testid=dry-run-summary]'))!;
    const changed = Number(/(\d+) would change/.exec(summary)![1]);
    expect(await page.locator('[data-testid=dry-run-changes] tbody tr').count()).toBe(changed);
    await snap(page, 'lists-rules.png');
    await page.context().close();
  }, 90_000);

  test('an admin screens one applicant by hand and sees the decision as the case page shows it; a reviewer has no such page', async () => {
    const page = await openConsole(t.keys.admin);
    await page.click('#nav-screen');
    await page.waitForSelector('#screen:not([hidden])');
    await page.fill('#screen-name', 'Sang Man Kim');
    await page.fill('#screen-ref', 'e2e-by-hand');
    await page.fill('#screen-birth-date', '1961-03-02');
    await page.fill('#screen-nationality', 'us');
    await page.fill('#screen-country', 'US');
    await page.fill('#screen-email', 'sang.kim@example.com');
    await page.fill('#screen-phone', '+1 512 555 0100');
    await page.fill('#screen-address-line1', '12 Oak St');
    await page.fill('#screen-address-city', 'Austin');
    await page.fill('#screen-address-postal', '78701');
    await page.fill('#screen-address-country', 'US');
    await page.fill('#screen-employer', 'Acme Soft');
    await page.fill('#screen-profiles', 'https://github.com/sangkim\nhttps://www.linkedin.com/in/sangkim');
    await page.fill('#screen-ip', '203.0.113.5');
    await page.click('#screen-submit');
    // Review under the default ruleset, block under the name-only one an earlier test published: either opens a case.
    await expect.poll(() => page.textContent('[data-testid=screen-outcome]')).toMatch(/^(review|block) score \d+ · ruleset v\d+ · decision /);
    const hit = page.locator('#screen-result [data-testid=hit]').first();
    expect(await hit.locator('[data-testid=entry-side]').textContent()).toContain('KIM, Sang Man');
    expect(await hit.locator('[data-testid=subject-side]').textContent()).toContain('1961-03-02');
    await snap(page, 'screen-by-hand.png');
    const stored = await api(t, t.keys.reviewer).get('/v1/cases?q=e2e-by-hand');
    expect(stored.body.total).toBe(1);
    await page.click('[data-testid=screen-case]');
    await expect.poll(() => page.textContent('[data-testid=case-title]')).toContain('e2e-by-hand');
    await page.context().close();

    const reviewer = await openConsole(t.keys.reviewer);
    expect(await reviewer.isVisible('#nav-screen')).toBe(false);
    await reviewer.goto(`${base}/console#/screen`);
    await expect.poll(() => reviewer.textContent('#message')).toContain('do not open the screen page');
    expect(await reviewer.isVisible('#screen')).toBe(false);
    await reviewer.context().close();
  }, 90_000);

  test('at a 375 px phone width the case with its graph, the lists and rules page and screen by hand fit the screen (only tables scroll)', async () => {
    // Uses the farm case of the graph test and the draft of the admin's lists test above.
    const fits = 'document.documentElement.scrollWidth <= window.innerWidth + 1';
    const farm = await api(t, t.keys.reviewer).get('/v1/cases?q=e2e-farm-3');
    const caseId = farm.body.items[0]?.id as string;
    expect(caseId, JSON.stringify(farm.body)).toBeTruthy();
    const page = await openConsole(t.keys.admin, { width: 375 });
    await openCaseById(page, caseId);
    await expect.poll(() => page.locator('[data-testid=link-graph] [data-testid=graph-node]').count()).toBe(2);
    expect(await page.evaluate(fits), 'case with graph').toBe(true);

    await page.goto(`${base}/console#/lists`);
    await page.waitForSelector('#lists:not([hidden])');
    await expect.poll(() => page.locator('[data-testid=ruleset-active] tbody tr').count()).toBeGreaterThan(0);
    await page.locator('[data-testid=list-row][data-source=test-watchlist] [data-testid=list-diff-open]').click();
    await expect.poll(() => page.locator('[data-testid=diff-added] tbody tr').count()).toBeGreaterThan(0);
    const draft = page.locator('[data-testid=ruleset-draft]').first();
    await expect.poll(() => draft.count()).toBe(1);
    await page.fill('[data-testid=dry-run-limit]', '20');
    await page.click('[data-testid=dry-run-submit]');
    await expect.poll(() => page.textContent('[data-testid=dry-run-summary]')).toMatch(/would change/);
    expect(await page.evaluate(fits), 'lists and rules').toBe(true);
    await snap(page, 'lists-rules-phone.png');

    await page.goto(`${base}/console#/screen`);
    await page.waitForSelector('#screen:not([hidden])');
    expect(await page.evaluate(fits), 'screen form').toBe(true);
    await page.fill('#screen-name', 'Sang Man Kim');
    await page.fill('#screen-ref', 'e2e-by-hand-phone');
    await page.fill('#screen-birth-date', '1961-03-02');
    await page.click('#screen-submit');
    await expect.poll(() => page.textContent('[data-testid=screen-outcome]')).toMatch(/^(review|block) score/);
    expect(await page.evaluate(fits), 'screen result').toBe(true);
    await snap(page, 'screen-by-hand-phone.png');
    await page.context().close();
  }, 90_000);

  test('a wrong key is refused at sign-in and nothing is stored', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${base}/console`);
    await page.fill('#api-key', 'rf_not-a-real-key');
    await page.click('#sign-in-form button[type=submit]');
    await expect.poll(() => page.textContent('#message')).toContain('not valid');
    expect(await page.evaluate('sessionStorage.getItem("redflag.apiKey")')).toBeNull();
    expect(await page.isVisible('#queue')).toBe(false);
    await context.close();
  }, 30_000);

  test('the page loaded without script errors or CSP violations', () => {
    expect(pageErrors).toEqual([]);
  });
});
