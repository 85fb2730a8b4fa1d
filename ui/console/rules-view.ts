// <ieh-rules>: detection rules (issue 22 item 7): the list as the API pages it, a form for every
// field (a 400's messages under the fields they name), enable and disable, delete after a
// confirmation, a test panel replaying stored events (POST …/test/), and each rule's fires in
// the Events view. The page is in the hash (`#rules?page=2`).
import { html, nothing } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import { ApiError, api, can, messageOf } from './api.ts';
import { confirmStep, errorBox, formatTime, HashView, lacking, notice, text } from './base.ts';
import { hashFor, writeHash } from './hash.ts';
import { queryHelp } from './query-help.ts';

interface Rule {
  pk: string;
  name: string;
  enabled: boolean;
  query: string;
  type: string;
  field: string | null;
  group_by: string[];
  window: number;
  threshold: number;
  suppress_for: number;
  severity: string;
}

interface Pagination {
  count: number;
  current: number;
  total_pages: number;
  start_index: number;
  end_index: number;
}

interface TestAnswer {
  created__gte: string;
  created__lt: string;
  matched: number;
  fires: unknown[];
  groups: { group: Record<string, unknown>; counts: number[]; fired_at: string[] }[];
}

const write = 'eventhandling_write';
/** The replay reads the event log, so it needs the log's action, not a rules one. */
const replay = 'auditlog_read';
const pageSize = 20;
// The choices and bounds lib/rules/rule.ts declares (the console imports no lib/): hints only,
// the API checks them.
const types = ['event_count', 'value_count'];
const severities = ['notice', 'warning', 'alert'];
const groupSlots = [0, 1, 2];
/** The fields a 400 may name; each message is shown under its own control. */
const ruleFields = [
  'name',
  'enabled',
  'query',
  'type',
  'field',
  'group_by',
  'window',
  'threshold',
  'suppress_for',
  'severity',
];
const testFields = ['created__gte', 'created__lt'];

/** A fire's event (lib/rules/evaluate.ts, lib/rules/fires.ts) as the Events view's search finds it. */
export const firesSearch = (pk: unknown) =>
  `action = "custom_threshold_exceeded" and app = "idp-event-hub.rules" and context.rule.pk = ${JSON.stringify(text(pk))}`;

/** datetime-local value (local time) → ISO 8601 UTC for the API; anything else as typed. */
function isoOf(value: string): string {
  const date = new Date(value);
  return /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(value) && !Number.isNaN(date.valueOf()) ? date.toISOString() : value;
}

/** A DRF 400 split into the messages of the form's fields and the rest (in words), else the error as it is. */
function splitErrors(
  error: unknown,
  names: readonly string[],
  marked: string,
): { fields: Map<string, string>; rest: unknown } {
  const fields = new Map<string, string>();
  const body = error instanceof ApiError && error.status === 400 ? error.body : undefined;
  if (body === null || typeof body !== 'object' || Array.isArray(body) || 'detail' in body) {
    return { fields, rest: error };
  }
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (!names.includes(key)) {
      rest[key] = value;
      continue;
    }
    fields.set(key, Array.isArray(value) ? value.map((message) => text(message)).join(' ') : text(value));
  }
  if (Object.keys(rest).length > 0) return { fields, rest: new Error(messageOf(rest, 400)) };
  return { fields, rest: new Error(marked) };
}

/** A group's value as JSON text: a string quoted, null as null, an object as its JSON. */
function valueText(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch {
    return text(value);
  }
}

function groupText(group: unknown): string {
  if (group === null || typeof group !== 'object' || Array.isArray(group)) return text(group);
  const entries = Object.entries(group);
  if (entries.length === 0) return 'all matching events (no group_by)';
  return entries.map(([path, value]) => `${path} = ${valueText(value)}`).join(', ');
}

const secondsText = (value: unknown) => (typeof value === 'number' ? `${value} s` : text(value));

export class RulesView extends HashView {
  static override properties = {
    params: { state: true },
    rules: { state: true },
    pagination: { state: true },
    error: { state: true },
    message: { state: true },
    editing: { state: true },
    formType: { state: true },
    formError: { state: true },
    fieldErrors: { state: true },
    saving: { state: true },
    changing: { state: true },
    testing: { state: true },
    testAnswer: { state: true },
    testError: { state: true },
    testFieldErrors: { state: true },
  };
  declare params: Record<string, string>;
  declare rules: Rule[] | null;
  declare pagination: Pagination | null;
  declare error: unknown;
  declare message: string;
  declare editing: 'new' | Rule | null;
  /** The type the form shows: `field` is asked for value_count only. */
  declare formType: string;
  declare formError: unknown;
  declare fieldErrors: Map<string, string>;
  /** A save in flight: one click makes one rule. */
  declare saving: boolean;
  /** A row's change in flight (enable, disable, delete). */
  declare changing: boolean;
  declare testing: Rule | null;
  declare testAnswer: TestAnswer | null;
  declare testError: unknown;
  declare testFieldErrors: Map<string, string>;
  /** A new key for each opening, so the form starts from the rule's values, not the last one's. */
  private formKey = 0;

  protected readonly view = 'rules';

  constructor() {
    super();
    this.params = {};
    this.rules = null;
    this.pagination = null;
    this.error = null;
    this.message = '';
    this.editing = null;
    this.formType = 'event_count';
    this.formError = null;
    this.fieldErrors = new Map();
    this.saving = false;
    this.changing = false;
    this.testing = null;
    this.testAnswer = null;
    this.testError = null;
    this.testFieldErrors = new Map();
  }

  protected showHash() {
    void this.load();
  }

  private async load() {
    const query = new URLSearchParams({ ordering: 'name', page_size: String(pageSize) });
    if (this.params.page) query.set('page', this.params.page);
    try {
      const { body } = await api('GET', `/rules/?${query}`);
      this.rules = Array.isArray(body?.results) ? body.results : [];
      this.pagination = body?.pagination ?? null;
      this.error = null;
    } catch (error) {
      // A page that no longer exists (the last rule of the last page deleted): the first page.
      if (error instanceof ApiError && error.status === 404 && this.params.page && this.params.page !== '1') {
        writeHash('rules');
        return;
      }
      this.rules = null;
      this.pagination = null;
      this.error = error;
    }
  }

  private async open(target: 'new' | Rule) {
    this.message = '';
    this.formError = null;
    this.fieldErrors = new Map();
    this.formKey++;
    this.formType = target === 'new' ? 'event_count' : text(target.type);
    this.editing = target;
    await this.updateComplete;
    this.querySelector<HTMLElement>('#rule-form-heading')?.focus();
  }

  private async save(event: SubmitEvent) {
    event.preventDefault();
    if (this.saving || !this.editing) return;
    const editing = this.editing;
    const data = new FormData(event.target as HTMLFormElement);
    const value = (name: string) => String(data.get(name) ?? '').trim();
    // Empty is left out (the API's default or its "required"); a number as a number, other text as typed.
    const number = (name: string) => {
      const typed = value(name);
      if (typed === '') return undefined;
      return Number.isFinite(Number(typed)) ? Number(typed) : typed;
    };
    const type = value('type');
    const body = {
      name: value('name'),
      enabled: data.get('enabled') === 'on',
      query: value('query'),
      type,
      field: type === 'value_count' ? value('field') || null : null,
      group_by: groupSlots.map((i) => value(`group_by_${i}`)).filter(Boolean),
      window: number('window'),
      threshold: number('threshold'),
      suppress_for: number('suppress_for'),
      severity: value('severity'),
    };
    this.formError = null;
    this.fieldErrors = new Map();
    this.saving = true;
    try {
      if (editing === 'new') {
        const created = (await api('POST', '/rules/', { json: body })).body as Rule;
        this.message = `Rule "${text(created?.name)}" created.`;
      } else {
        const saved = (await api('PUT', `/rules/${encodeURIComponent(editing.pk)}/`, { json: body })).body as Rule;
        this.message = `Rule "${text(saved?.name)}" saved.`;
        if (this.testing?.pk === editing.pk) this.testing = saved;
      }
      this.editing = null;
      await this.load();
    } catch (error) {
      const { fields, rest } = splitErrors(error, ruleFields, 'Nothing was saved: correct the fields marked above.');
      this.fieldErrors = fields;
      this.formError = rest;
    } finally {
      this.saving = false;
    }
  }

  /** One row change at a time; its failure is shown above the list. */
  private async change(step: () => Promise<void>) {
    this.message = '';
    this.error = null;
    this.changing = true;
    try {
      await step();
      await this.load();
    } catch (error) {
      this.error = error;
    } finally {
      this.changing = false;
    }
  }

  private toggle(rule: Rule) {
    return this.change(async () => {
      await api('PATCH', `/rules/${encodeURIComponent(rule.pk)}/`, { json: { enabled: !rule.enabled } });
      this.message = `Rule "${text(rule.name)}" ${rule.enabled ? 'disabled' : 'enabled'}.`;
    });
  }

  private async deleteRule(rule: Rule) {
    this.message = '';
    const question = `Delete the detection rule "${text(rule.name)}"? The events it fired stay. This cannot be undone.`;
    if (!(await confirmStep(question, 'Delete'))) return;
    await this.change(async () => {
      await api('DELETE', `/rules/${encodeURIComponent(rule.pk)}/`);
      if (this.testing?.pk === rule.pk) this.testing = null;
      if (this.editing !== 'new' && this.editing?.pk === rule.pk) this.editing = null;
      this.message = `Rule "${text(rule.name)}" deleted.`;
    });
  }

  private async openTest(rule: Rule) {
    this.testing = rule;
    this.testAnswer = null;
    this.testError = null;
    this.testFieldErrors = new Map();
    await this.updateComplete;
    this.querySelector<HTMLElement>('#rule-test-heading')?.focus();
  }

  private async runTest(event: SubmitEvent) {
    event.preventDefault();
    const rule = this.testing;
    if (!rule) return;
    const data = new FormData(event.target as HTMLFormElement);
    const body: Record<string, string> = {};
    for (const name of testFields) {
      const typed = String(data.get(name) ?? '').trim();
      if (typed) body[name] = isoOf(typed);
    }
    this.testAnswer = null;
    this.testError = null;
    this.testFieldErrors = new Map();
    try {
      this.testAnswer = (await api('POST', `/rules/${encodeURIComponent(rule.pk)}/test/`, { json: body })).body;
    } catch (error) {
      const { fields, rest } = splitErrors(error, testFields, 'The range was refused: see the field marked above.');
      this.testFieldErrors = fields;
      this.testError = rest;
    }
  }

  /** A field's 400 message, under it; its id goes into the control's aria-describedby. */
  private fieldError(errors: Map<string, string>, name: string, id: string) {
    const message = errors.get(name);
    return message === undefined ? nothing : html`<p class="error" id=${id}>${message}</p>`;
  }

  private describedBy(errors: Map<string, string>, name: string, ...ids: string[]) {
    return [...ids, ...(errors.has(name) ? [`rule-${name}-error`] : [])].join(' ') || nothing;
  }

  private renderField(
    name: string,
    label: string,
    control: (attrs: { describedBy: string | typeof nothing; invalid: 'true' | 'false' }) => unknown,
    hint = '',
  ) {
    const errors = this.fieldErrors;
    const hintId = hint ? `rule-${name}-hint` : '';
    return html`<div class="field">
      <label for="rule-${name}">${label}</label>
      ${control({
        describedBy: this.describedBy(errors, name, ...(hintId ? [hintId] : [])),
        invalid: errors.has(name) ? 'true' : 'false',
      })}
      ${hint ? html`<p class="hint" id=${hintId}>${hint}</p>` : nothing}
      ${this.fieldError(errors, name, `rule-${name}-error`)}
    </div>`;
  }

  private renderNumber(name: string, label: string, value: number | undefined, hint: string, min: number, max: number) {
    return this.renderField(
      name,
      label,
      ({ describedBy, invalid }) =>
        html`<input id="rule-${name}" name=${name} type="number" inputmode="numeric" step="1" min=${min} max=${max}
          .value=${value === undefined ? '' : text(value)} aria-describedby=${describedBy} aria-invalid=${invalid} />`,
      hint,
    );
  }

  private renderForm() {
    const editing = this.editing;
    if (!editing) return nothing;
    const rule = editing === 'new' ? null : editing;
    const errors = this.fieldErrors;
    const groupBy = Array.isArray(rule?.group_by) ? rule.group_by : [];
    const form = html`<section class="panel" aria-labelledby="rule-form-heading">
      <h2 id="rule-form-heading" tabindex="-1">${rule ? `Edit rule "${text(rule.name)}"` : 'New detection rule'}</h2>
      <form @submit=${this.save} novalidate>
        <div class="fields">
          ${this.renderField(
            'name',
            'Name',
            ({ describedBy, invalid }) =>
              html`<input id="rule-name" name="name" type="text" autocomplete="off" required .value=${text(rule?.name, '')}
                aria-describedby=${describedBy} aria-invalid=${invalid} />`,
          )}
          <div class="field check">
            <input id="rule-enabled" name="enabled" type="checkbox" ?checked=${rule ? rule.enabled === true : true}
              aria-describedby="rule-enabled-hint" />
            <label for="rule-enabled">Enabled</label>
            <p class="hint" id="rule-enabled-hint">Counts events as they arrive; a disabled rule can still be tested.</p>
            ${this.fieldError(errors, 'enabled', 'rule-enabled-error')}
          </div>
          <div class="field wide">
            <label for="rule-query">Query: the events counted</label>
            <textarea id="rule-query" name="query" rows="3" spellcheck="false" required .value=${text(rule?.query, '')}
              placeholder='action = "login_failed"' aria-describedby=${this.describedBy(errors, 'query', 'rule-query-help')}
              aria-invalid=${errors.has('query') ? 'true' : 'false'}></textarea>
            ${this.fieldError(errors, 'query', 'rule-query-error')}
            ${queryHelp('rule-query-help')}
          </div>
          ${this.renderField(
            'type',
            'Type',
            ({ describedBy, invalid }) =>
              html`<select id="rule-type" name="type" aria-describedby=${describedBy} aria-invalid=${invalid}
                @change=${(e: Event) => {
                  this.formType = (e.target as HTMLSelectElement).value;
                }}>
                ${types.map((t) => html`<option value=${t} ?selected=${this.formType === t}>${t}</option>`)}
              </select>`,
            'event_count counts the matching events, value_count the distinct values of a field.',
          )}
          ${
            this.formType === 'value_count'
              ? this.renderField(
                  'field',
                  'Field counted distinct',
                  ({ describedBy, invalid }) =>
                    html`<input id="rule-field" name="field" type="text" spellcheck="false" .value=${text(rule?.field, '')}
                      placeholder="client_ip" aria-describedby=${describedBy} aria-invalid=${invalid} />`,
                  'A path as a query names it; an event without it is not counted.',
                )
              : nothing
          }
          ${this.renderNumber('window', 'Window (seconds)', rule?.window ?? 600, '10 to 86 400.', 10, 86_400)}
          ${this.renderNumber('threshold', 'Threshold', rule?.threshold ?? 10, 'Fires when the count reaches it (1 or more).', 1, 1_000_000)}
          ${this.renderNumber(
            'suppress_for',
            'Suppress for (seconds)',
            rule?.suppress_for ?? 0,
            'After a fire the group stays quiet this long (0 to 604 800).',
            0,
            604_800,
          )}
          ${this.renderField(
            'severity',
            'Severity',
            ({ describedBy, invalid }) =>
              html`<select id="rule-severity" name="severity" aria-describedby=${describedBy} aria-invalid=${invalid}>
                ${severities.map((s) => html`<option value=${s} ?selected=${(rule ? text(rule.severity) : 'warning') === s}>${s}</option>`)}
              </select>`,
          )}
        </div>
        <fieldset aria-describedby=${this.describedBy(errors, 'group_by', 'rule-group_by-hint')}>
          <legend>Group by (up to 3 paths)</legend>
          <p class="hint" id="rule-group_by-hint">
            Each combination of their values counts apart, e.g. <span class="mono">user.username</span> or
            <span class="mono">client_ip</span>; none: all matching events count together; a missing value groups under null.
          </p>
          <div class="fields">
            ${groupSlots.map(
              (i) => html`<div class="field">
                <label for="rule-group_by_${i}">Path ${i + 1}</label>
                <input id="rule-group_by_${i}" name="group_by_${i}" type="text" spellcheck="false"
                  .value=${text(groupBy[i], '')} aria-invalid=${errors.has('group_by') ? 'true' : 'false'} />
              </div>`,
            )}
          </div>
          ${this.fieldError(errors, 'group_by', 'rule-group_by-error')}
        </fieldset>
        ${errorBox(this.formError)}
        <div class="buttons">
          <button type="submit" ?disabled=${!can(write) || this.saving}>${rule ? 'Save changes' : 'Create rule'}</button>
          <button type="button" class="secondary" @click=${() => {
            this.editing = null;
          }}>Cancel</button>
          ${lacking(write)}
        </div>
      </form>
    </section>`;
    return keyed(this.formKey, form);
  }

  private renderTestAnswer(answer: TestAnswer) {
    const groups = Array.isArray(answer.groups) ? answer.groups : [];
    const fires = groups.reduce((sum, g) => sum + (Array.isArray(g?.counts) ? g.counts.length : 0), 0);
    const summary =
      fires === 0
        ? 'Nothing would have fired'
        : `${fires === 1 ? '1 fire' : `${fires} fires`} in ${groups.length === 1 ? '1 group' : `${groups.length} groups`}`;
    return html`<div class="result" role="status">
        <strong>${summary}</strong> from ${formatTime(text(answer.created__gte))} to ${formatTime(text(answer.created__lt))}
        (${text(answer.matched)} matching events).
      </div>
      ${
        fires > 0
          ? html`<div class="table-wrap" tabindex="0" role="region" aria-label="Groups that would have fired">
            <table>
              <thead><tr><th scope="col">Group</th><th scope="col">Count</th><th scope="col">Fired at</th></tr></thead>
              <tbody>
                ${groups.flatMap((g) =>
                  (Array.isArray(g?.counts) ? g.counts : []).map(
                    (count, i) => html`<tr>
                      <td class="wrap">${groupText(g.group)}</td><td>${text(count)}</td>
                      <td>${formatTime(text(Array.isArray(g.fired_at) ? g.fired_at[i] : undefined))}</td>
                    </tr>`,
                  ),
                )}
              </tbody>
            </table>
          </div>`
          : nothing
      }`;
  }

  private renderTest() {
    const rule = this.testing;
    if (!rule) return nothing;
    const errors = this.testFieldErrors;
    const range = (name: string, label: string) => html`<div class="field">
      <label for="rule-test-${name}">${label}</label>
      <input id="rule-test-${name}" name=${name} type="datetime-local" step="1"
        aria-describedby=${['rule-test-range-hint', ...(errors.has(name) ? [`rule-test-${name}-error`] : [])].join(' ')}
        aria-invalid=${errors.has(name) ? 'true' : 'false'} />
      ${this.fieldError(errors, name, `rule-test-${name}-error`)}
    </div>`;
    return html`<section class="panel" aria-labelledby="rule-test-heading">
      <h2 id="rule-test-heading" tabindex="-1">Test "${text(rule.name)}" on stored events</h2>
      <p id="rule-test-range-hint" class="hint">
        Replays the stored events of a range (at most 7 days; empty: the last ten windows) through the rule, from an empty
        start, and shows the groups that would have fired. Nothing is recorded.
      </p>
      ${
        can(replay)
          ? nothing
          : html`<p class="error" role="alert">
            Testing reads the event log, so it needs the policy action ${replay}, which your admin lacks. Ask for it to be
            granted.
          </p>`
      }
      <form @submit=${this.runTest} novalidate>
        <div class="fields">${range('created__gte', 'From (created__gte)')} ${range('created__lt', 'Before (created__lt)')}</div>
        ${errorBox(this.testError)}
        ${this.testAnswer ? this.renderTestAnswer(this.testAnswer) : nothing}
        <div class="buttons">
          <button type="submit" ?disabled=${!can(replay)}>Run test</button>
          <button type="button" class="secondary" @click=${() => {
            this.testing = null;
          }}>Close</button>
          ${lacking(replay)}
        </div>
      </form>
    </section>`;
  }

  private renderPaging() {
    const pg = this.pagination;
    if (!pg || pg.total_pages <= 1) return nothing;
    const go = (page: number) => writeHash('rules', { page: String(page) });
    return html`<nav class="paging" aria-label="Pages of rules">
      <button type="button" class="secondary" ?disabled=${pg.current <= 1} @click=${() => go(pg.current - 1)}>Previous</button>
      <span>Page ${text(pg.current)} of ${text(pg.total_pages)}</span>
      <button type="button" class="secondary" ?disabled=${pg.current >= pg.total_pages} @click=${() => go(pg.current + 1)}>
        Next
      </button>
    </nav>`;
  }

  private renderTable(rules: Rule[]) {
    if (rules.length === 0) return html`<p>No detection rules yet.</p>`;
    const pg = this.pagination;
    const disabled = !can(write) || this.changing;
    return html`${
      pg
        ? html`<p class="count">
          ${pg.count === 1 ? '1 rule' : `${text(pg.count)} rules`}, showing ${text(pg.start_index)}–${text(pg.end_index)}
        </p>`
        : nothing
    }
      <div class="table-wrap" tabindex="0" role="region" aria-label="Detection rules">
        <table>
          <thead>
            <tr><th scope="col">Name</th><th scope="col">Enabled</th><th scope="col">Query</th><th scope="col">Counts</th>
              <th scope="col">Group by</th><th scope="col">Window</th><th scope="col">Threshold</th>
              <th scope="col">Suppress for</th><th scope="col">Severity</th>
              <th scope="col"><span class="visually-hidden">Actions</span></th></tr>
          </thead>
          <tbody>
            ${rules.map((r) => {
              const name = text(r.name);
              const counts = r.type === 'value_count' ? `distinct ${text(r.field)}` : text(r.type);
              return html`<tr>
                <td>${name}</td>
                <td>${r.enabled === true ? 'yes' : r.enabled === false ? 'no' : text(r.enabled)}</td>
                <td><span class="mono wrap">${text(r.query)}</span></td>
                <td>${counts}</td>
                <td>${Array.isArray(r.group_by) ? r.group_by.map((p) => text(p)).join(', ') || '–' : text(r.group_by)}</td>
                <td>${secondsText(r.window)}</td><td>${text(r.threshold)}</td><td>${secondsText(r.suppress_for)}</td>
                <td>${text(r.severity)}</td>
                <td class="row-actions">
                  <button type="button" class="secondary" @click=${() => this.openTest(r)} aria-label="Test ${name}">Test</button>
                  <a href=${hashFor('events', { search: firesSearch(r.pk) })} aria-label="Fires of ${name} in Events">Fires</a>
                  <button type="button" class="secondary" ?disabled=${disabled} @click=${() => this.open(r)}
                    aria-label="Edit ${name}">Edit</button>
                  <button type="button" class="secondary" ?disabled=${disabled} @click=${() => this.toggle(r)}
                    aria-label="${r.enabled ? 'Disable' : 'Enable'} ${name}">${r.enabled ? 'Disable' : 'Enable'}</button>
                  <button type="button" class="danger" ?disabled=${disabled} @click=${() => this.deleteRule(r)}
                    aria-label="Delete ${name}">Delete</button>
                </td>
              </tr>`;
            })}
          </tbody>
        </table>
      </div>
      ${this.renderPaging()}`;
  }

  override render() {
    return html`<h1>Detection rules</h1>
      <p>
        A rule fires when the events its query matches reach a threshold within a window, per group. Each fire is an event
        (action <span class="mono">custom_threshold_exceeded</span>, app <span class="mono">idp-event-hub.rules</span>):
        a rule's <em>Fires</em> link shows them in Events, where bindings and matchers see them like any other.
      </p>
      ${notice(this.message)} ${errorBox(this.error)}
      <div class="buttons">
        <button type="button" ?disabled=${!can(write)} @click=${() => this.open('new')}>New rule</button>
        <button type="button" class="secondary" @click=${() => this.load()}>Refresh</button>
        <a href=${hashFor('events', { search: 'action = "custom_threshold_exceeded" and app = "idp-event-hub.rules"' })}>
          Every rule's fires in Events</a>
        ${lacking(write)}
      </div>
      ${this.renderForm()} ${this.renderTest()}
      ${this.rules ? this.renderTable(this.rules) : nothing}`;
  }
}
