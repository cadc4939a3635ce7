/**
 * The console's browser script (vanilla JS, no build step, no CDN). Every value from the API is
 * put into the page with `textContent` or as an attribute value through the DOM, never as
 * HTML, so names, remarks and comments cannot inject markup (XSS); the page's CSP forbids
 * inline script on top. Kept inside a TypeScript string so `tsc` ships it in dist/: it must not
 * contain backquotes or dollar-brace sequences.
 */
export const CONSOLE_JS = String.raw`
(function () {
  'use strict';
  var KEY_STORAGE = 'redflag.apiKey';
  var DISPOSITIONS = ['false_positive', 'confirmed_match', 'cleared', 'escalated'];
  var apiKey = sessionStorage.getItem(KEY_STORAGE);
  /** The signed-in key as GET /v1/me describes it: who holds it, so one's own proposals are told apart. */
  var me = null;

  function $(id) { return document.getElementById(id); }

  /** el('tag', { class: 'x', text: 'y', onclick: fn, 'data-testid': 'z' }, [children]) */
  function el(tag, props, children) {
    var node = document.createElement(tag);
    Object.keys(props || {}).forEach(function (name) {
      var value = props[name];
      if (value === undefined || value === null || value === false) return;
      if (name === 'text') node.textContent = String(value);
      else if (name.slice(0, 2) === 'on') node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, String(value));
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined || child === false) return;
      node.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
    });
    return node;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }

  function show(id, visible) { $(id).hidden = !visible; }

  function say(text, isError) {
    var box = $('message');
    box.textContent = text;
    box.className = isError ? 'error' : '';
    box.hidden = !text;
  }

  function when(value) { return value ? new Date(value).toISOString().replace('T', ' ').slice(0, 16) + ' UTC' : ''; }

  function badge(kind, value) { return el('span', { class: 'badge ' + kind + '-' + value, text: value.replace(/_/g, ' ') }); }

  function ApiError(status, problem) { this.status = status; this.problem = problem; }

  async function api(method, path, body) {
    var headers = { Authorization: 'Bearer ' + apiKey, Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    var response = await fetch(path, { method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body) });
    var data = null;
    try { data = await response.json(); } catch (ignored) { data = null; }
    if (!response.ok) throw new ApiError(response.status, data);
    return data;
  }

  function problemText(error) {
    if (!(error instanceof ApiError)) return 'The request failed: ' + String(error && error.message ? error.message : error);
    if (error.status === 401) return 'The API key is not valid or has been revoked.';
    if (error.status === 403) return 'This API key lacks the reviewer role.';
    var problem = error.problem || {};
    var fields = (problem.errors || []).map(function (item) { return item.field + ': ' + item.message; }).join('; ');
    return (problem.detail || problem.title || ('HTTP ' + error.status)) + (fields && (problem.detail || '').indexOf(fields) < 0 ? ' (' + fields + ')' : '');
  }

  function fail(error) {
    if (error instanceof ApiError && error.status === 401) { signOut(); }
    say(problemText(error), true);
  }

  // ---- session -------------------------------------------------------------------------

  function signOut() {
    sessionStorage.removeItem(KEY_STORAGE);
    apiKey = null;
    me = null;
    location.hash = '';
    render();
  }

  async function signIn(event) {
    event.preventDefault();
    var input = $('api-key');
    apiKey = input.value.trim();
    input.value = '';
    try {
      await api('GET', '/v1/cases?limit=1');
      me = await api('GET', '/v1/me');
      sessionStorage.setItem(KEY_STORAGE, apiKey);
      say('Signed in.', false);
      render();
    } catch (error) {
      apiKey = null;
      say(problemText(error), true);
    }
  }

  // ---- queue ----------------------------------------------------------------------------

  /** Owners are compared as the server does: spacing and letter case aside. */
  function sameOwner(a, b) {
    function normal(owner) { return String(owner || '').normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase(); }
    return Boolean(a) && Boolean(b) && normal(a) === normal(b);
  }

  /** Whether the signed-in person made the pending proposal (this key, or another key of the same owner). */
  function ownProposal(item) {
    if (!me || !item.proposedBy) return false;
    return item.proposedBy === 'api-key:' + me.id || sameOwner(item.proposedByOwner, me.owner);
  }

  async function whoAmI() {
    try {
      me = await api('GET', '/v1/me');
    } catch (error) { fail(error); }
  }

  function showWho() {
    var who = $('who');
    clear(who);
    if (!me) { who.textContent = 'key ' + apiKey.slice(0, 8) + '…'; return; }
    who.appendChild(document.createTextNode('Signed in as '));
    who.appendChild(el('strong', { 'data-testid': 'who-owner', text: me.owner }));
    who.appendChild(document.createTextNode(' · key ' + me.keyPrefix + '…' + (me.label ? ' (' + me.label + ')' : '') + ' · ' + me.roles.join(', ')));
  }

  async function loadQueue() {
    var status = $('queue-status').value;
    var query = '/v1/cases?limit=100' + (status ? '&status=' + encodeURIComponent(status) : '');
    try {
      var page = await api('GET', query);
      var rows = clear($('queue-rows'));
      $('queue-total').textContent = page.total + ' case' + (page.total === 1 ? '' : 's');
      if (page.items.length === 0) rows.appendChild(el('tr', {}, [el('td', { colspan: 8, class: 'muted', text: 'No cases.' })]));
      page.items.forEach(function (item) {
        rows.appendChild(el('tr', { 'data-testid': 'queue-row', 'data-case-id': item.id }, [
          el('td', { text: item.score }),
          el('td', {}, [badge('outcome', item.outcome)]),
          el('td', {}, [badge('status', item.status)]),
          el('td', { text: item.externalRef || item.subjectId }),
          el('td', { text: item.assignee || '' }),
          el('td', { text: when(item.openedAt) }),
          el('td', { text: item.decisionCount }),
          el('td', {}, [el('button', { type: 'button', class: 'secondary', 'data-testid': 'open-case', text: 'Open', onclick: function () { location.hash = '#/cases/' + item.id; } })]),
        ]));
      });
    } catch (error) { fail(error); }
  }

  // ---- case -----------------------------------------------------------------------------

  function field(label, value) {
    return el('div', {}, [el('span', { text: label }), el('span', { text: value === null || value === undefined || value === '' ? '—' : String(value) })]);
  }

  function dl(pairs) {
    var list = el('dl');
    pairs.forEach(function (pair) {
      var value = pair[1];
      if (value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0)) value = '—';
      list.appendChild(el('dt', { text: pair[0] }));
      list.appendChild(el('dd', { text: Array.isArray(value) ? value.join('; ') : String(value) }));
    });
    return list;
  }

  function dates(list) {
    return (list || []).map(function (date) { return (date.circa ? 'c. ' : '') + date.value + (date.to ? ' to ' + date.to : ''); });
  }

  function subjectSide(hit, subject) {
    var profile = subject || {};
    return el('div', { 'data-testid': 'subject-side' }, [
      el('h4', { text: 'Subject' }),
      dl([
        ['Matched field', hit.field],
        ['Value', hit.value],
        ['Name', profile.name],
        ['Aliases', profile.aliases],
        ['Birth date', profile.birthDate],
        ['Nationality', profile.nationality],
      ]),
    ]);
  }

  function entrySide(hit) {
    var entry = hit.listEntry;
    if (!entry) {
      return el('div', { 'data-testid': 'entry-side' }, [el('h4', { text: 'Evidence' }), dl([['Rule', hit.ruleId], ['Related subjects', hit.related]])]);
    }
    return el('div', { 'data-testid': 'entry-side' }, [
      el('h4', { text: 'List entry: ' + entry.source + ' ' + entry.sourceId + ' (v' + entry.version + ')' }),
      dl([
        ['Name', entry.name],
        ['All names', entry.names.map(function (name) { return name.full + (name.kind !== 'primary' ? ' (' + name.kind + (name.strength === 'weak' ? ', weak' : '') + ')' : ''); })],
        ['Type', entry.type],
        ['Programs', entry.programs],
        ['Birth dates', dates(entry.birthDates)],
        ['Nationalities', entry.nationalities],
        ['Citizenships', entry.citizenships],
        ['Identifiers', entry.identifiers.map(function (id) { return id.kind + ': ' + id.value; })],
        ['Remarks', entry.remarks],
      ]),
    ]);
  }

  function hitView(hit, subject) {
    var title = hit.ruleId + ' · ' + hit.points + ' points' + (typeof hit.similarity === 'number' ? ' · similarity ' + hit.similarity.toFixed(2) : '') + (hit.forcesBlock ? ' · forces block' : '');
    return el('div', { class: 'hit' + (hit.previouslyCleared ? ' cleared' : ''), 'data-testid': 'hit' }, [
      el('strong', { text: title }),
      hit.previouslyCleared ? el('span', { class: 'badge status-closed', 'data-testid': 'previously-cleared', text: 'previously cleared as false positive' + (hit.suppressedBy ? ' in case ' + hit.suppressedBy.caseId.slice(0, 8) + ' (' + when(hit.suppressedBy.clearedAt) + ')' : '') }) : null,
      el('div', { class: 'side' }, [subjectSide(hit, subject), entrySide(hit)]),
    ].concat(hit.indicators.map(function (indicator) {
      return el('div', { class: 'indicator', 'data-testid': 'indicator' }, [
        el('strong', { text: indicator.id + ' — ' + indicator.title }),
        el('div', { text: indicator.description }),
        el('div', { class: 'muted', text: indicator.citation }),
        el('div', { class: 'muted', text: 'Source: ' + indicator.sourceDocument }),
      ]);
    })));
  }

  function eventText(event) {
    var data = event.data || {};
    switch (event.type) {
      case 'opened': return 'opened by a ' + data.outcome + ' decision (score ' + data.score + ')';
      case 'decision_added': return 'a ' + data.outcome + ' decision joined (score ' + data.score + ')' + (data.withdrawnProposal ? '; the pending proposal was withdrawn' : '');
      case 'assigned': return data.assignee ? 'assigned to ' + data.assignee : 'unassigned';
      case 'commented': return 'commented';
      case 'disposition_proposed': return 'proposed ' + data.disposition + ' (needs a second person)';
      case 'escalated': return 'escalated' + (data.withdrawnProposal ? '; the pending proposal was withdrawn' : '');
      case 'disposed': return 'closed as ' + data.disposition;
      case 'approved': return 'approved ' + data.disposition + ' and closed the case';
      case 'reopen_proposed': return 'proposed reopening the case (needs a second person)';
      case 'reopened': return 'reopened the case' + (data.proposedBy ? ' (approved the proposal)' : '') + (data.withdrawnFalsePositives ? '; ' + data.withdrawnFalsePositives + ' remembered false positive(s) withdrawn' : '');
      case 'reopen_declined': return 'declined the reopening; the case stays closed';
      default: return event.type;
    }
  }

  function actionPanel(title, testId, controls, label, onSubmit) {
    var button = el('button', { type: 'submit', 'data-testid': testId + '-submit', text: label });
    var form = el('form', { class: 'panel', 'data-testid': testId }, [el('strong', { text: title })].concat(controls).concat([button]));
    form.addEventListener('submit', async function (event) {
      event.preventDefault();
      button.disabled = true;
      try { await onSubmit(); } catch (error) { fail(error); } finally { button.disabled = false; }
    });
    return form;
  }

  async function step(caseId, path, body, done) {
    var result = await api('POST', '/v1/cases/' + caseId + path, body);
    say(done(result.case), false);
    await loadCase(caseId);
  }

  function reopenPanel(item) {
    var why = el('textarea', { maxlength: 4000, 'aria-label': 'Why reopen', 'data-testid': 'reopen-note', required: 'required' });
    return el('div', { class: 'actions' }, [
      actionPanel('Reopen the case', 'reopen', [el('span', { class: 'muted', text: 'A case with a list hit is only proposed for reopening: another person must approve.' }), why], 'Reopen', function () {
        return step(item.id, '/reopen', { note: why.value }, function (c) {
          return c.status === 'pending_approval' ? 'Reopening proposed; another person must approve.' : 'The case is open again.';
        });
      }),
    ]);
  }

  function approvePanel(item) {
    var approveNote = el('textarea', { maxlength: 4000, 'aria-label': 'Approval note', 'data-testid': 'approve-note' });
    var own = ownProposal(item);
    var controls = [
      el('span', { class: 'muted', 'data-testid': 'proposed-by', text: 'Proposed by ' + (item.proposedByOwner || item.proposedBy) + (own ? ' (you): another person must approve it.' : '') }),
      approveNote,
    ];
    var panel = actionPanel('Approve as second person: ' + String(item.pendingDisposition).replace(/_/g, ' '), 'approve', controls, 'Approve', function () {
      return step(item.id, '/approve', { note: approveNote.value }, function (c) { return 'Approved: the case is ' + c.status.replace(/_/g, ' ') + (c.disposition ? ' (' + c.disposition + ')' : '') + '.'; });
    });
    if (own) {
      var button = panel.querySelector('[data-testid=approve-submit]');
      button.disabled = true;
      button.title = 'You proposed this; four-eyes needs another person';
      approveNote.disabled = true;
    }
    return panel;
  }

  function actions(item) {
    if (item.status === 'closed') return reopenPanel(item);
    var assignee = el('input', { type: 'text', maxlength: 200, value: item.assignee || '', 'aria-label': 'Assignee' });
    var comment = el('textarea', { maxlength: 4000, 'aria-label': 'Comment', 'data-testid': 'comment-text' });
    var select = el('select', { 'aria-label': 'Disposition', 'data-testid': 'disposition-select' }, DISPOSITIONS.map(function (value) { return el('option', { value: value, text: value.replace(/_/g, ' ') }); }));
    var note = el('textarea', { maxlength: 4000, 'aria-label': 'Disposition note', 'data-testid': 'disposition-note', required: 'required' });
    var panels = [
      actionPanel('Assign', 'assign', [assignee], 'Save', function () {
        var value = assignee.value.trim();
        return step(item.id, '/assign', { assignee: value || null }, function (c) { return c.assignee ? 'Assigned to ' + c.assignee + '.' : 'Unassigned.'; });
      }),
      actionPanel('Comment', 'comment', [comment], 'Add comment', function () {
        return step(item.id, '/comments', { text: comment.value }, function () { return 'Comment added.'; });
      }),
    ];
    if (item.status === 'pending_approval') panels.push(approvePanel(item));
    var hint = 'Four-eyes: clearing (false positive, cleared) a case with a list hit, and confirming or clearing a block case, need a second person.';
    panels.push(actionPanel('Disposition', 'dispose', [select, el('span', { class: 'muted', text: item.pendingDisposition === 'reopen' ? 'Escalated declines the reopening.' : hint }), note], 'Dispose', function () {
      return step(item.id, '/disposition', { disposition: select.value, note: note.value }, function (c) {
        return c.status === 'pending_approval' ? 'Proposed ' + c.pendingDisposition + '; another person must approve.' : 'The case is now ' + c.status.replace(/_/g, ' ') + (c.disposition ? ' (' + c.disposition + ')' : '') + '.';
      });
    }));
    return el('div', { class: 'actions' }, panels);
  }

  async function loadCase(caseId) {
    try {
      var results = await Promise.all([api('GET', '/v1/cases/' + caseId), api('GET', '/v1/cases/' + caseId + '/events')]);
      var item = results[0];
      var events = results[1].items;
      var body = clear($('case-body'));
      body.appendChild(el('h2', { 'data-testid': 'case-title', text: 'Case ' + (item.externalRef || item.subjectId) }));
      body.appendChild(el('div', { class: 'summary panel' }, [
        el('div', {}, [el('span', { text: 'Status' }), el('span', { 'data-testid': 'case-status', text: item.status })]),
        field('Outcome', item.outcome),
        field('Score', item.score),
        field('Assignee', item.assignee),
        field('Disposition', item.disposition),
        field('Pending disposition', item.pendingDisposition),
        field('Opened', when(item.openedAt)),
        field('Closed', when(item.closedAt)),
      ]));
      body.appendChild(actions(item));
      item.decisions.forEach(function (decision) {
        body.appendChild(el('h3', { text: 'Decision ' + decision.id.slice(0, 8) + ' · ' + decision.outcome + ' · score ' + decision.score + ' · ' + when(decision.createdAt) }));
        if (decision.hits.length === 0) body.appendChild(el('p', { class: 'muted', text: 'No hits.' }));
        decision.hits.forEach(function (hit) { body.appendChild(hitView(hit, decision.subject)); });
      });
      body.appendChild(el('h3', { text: 'Events' }));
      body.appendChild(el('ol', { class: 'events', 'data-testid': 'events' }, events.map(function (event) {
        var who = event.actor.owner || event.actor.label || event.actor.id;
        return el('li', {}, [
          el('span', { class: 'muted', text: when(event.createdAt) + ' · ' + who + ': ' }),
          el('span', { text: eventText(event) }),
          event.data.text || event.data.note ? el('pre', { class: 'note', text: event.data.text || event.data.note }) : null,
        ]);
      })));
      body.appendChild(el('h3', { text: 'Earlier decisions of this subject' }));
      body.appendChild(item.history.length === 0 ? el('p', { class: 'muted', text: 'None.' }) : el('ul', {}, item.history.map(function (decision) {
        return el('li', { text: when(decision.createdAt) + ' · ' + decision.outcome + ' · score ' + decision.score + ' · ' + decision.id });
      })));
    } catch (error) { fail(error); }
  }

  // ---- routing ----------------------------------------------------------------------------

  function render() {
    var signedIn = Boolean(apiKey);
    show('sign-in', !signedIn);
    show('session', signedIn);
    var match = /^#\/cases\/([0-9a-f-]{36})$/.exec(location.hash);
    show('queue', signedIn && !match);
    show('case', signedIn && Boolean(match));
    if (!signedIn) { $('api-key').focus(); return; }
    // Who is signed in is known before a case is shown, so one's own proposal is never offered for approval.
    (me ? Promise.resolve() : whoAmI()).then(function () {
      if (!apiKey) return;
      showWho();
      if (match) loadCase(match[1]); else loadQueue();
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    $('sign-in-form').addEventListener('submit', signIn);
    $('sign-out').addEventListener('click', signOut);
    $('queue-refresh').addEventListener('click', loadQueue);
    $('queue-status').addEventListener('change', loadQueue);
    $('back').addEventListener('click', function () { location.hash = ''; });
    window.addEventListener('hashchange', function () { say('', false); render(); });
    render();
  });
})();
`;
