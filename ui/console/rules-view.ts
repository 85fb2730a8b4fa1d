// <ieh-rules>: detection rules (issue 22 item 7): the list as the API pages it (the page in the
// hash, `#rules?page=2`), enable and disable, delete after a confirmation, each rule's fires in the
// Events view; the form (<ieh-rule-form>) and the test panel (<ieh-rule-test>) open above it.
import { html, nothing } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import { ApiError, api, can } from './api.ts';
import { confirmStep, errorBox, HashView, lacking, notice, text } from './base.ts';
import { allFiresSearch, firesSearch, type Rule } from './detection-rule.ts';
import { hashFor, writeHash } from './hash.ts';
import type { Pagination } from './pagination.ts';
import { changeRow } from './row-change.ts';

const write = 'eventhandling_write';
const pageSize = 20;

const secondsText = (value: unknown) => (typeof value === 'number' ? `${value} s` : text(value));

export class RulesView extends HashView {
  static override properties = {
    params: { state: true },
    rules: { state: true },
    pagination: { state: true },
    error: { state: true },
    message: { state: true },
    editing: { state: true },
    changing: { state: true },
    testing: { state: true },
  };
  declare params: Record<string, string>;
  declare rules: Rule[] | null;
  declare pagination: Pagination | null;
  declare error: unknown;
  declare message: string;
  /** The rule in the form: 'new', or the one edited. */
  declare editing: 'new' | Rule | null;
  /** A row's change in flight (enable, disable, delete). */
  declare changing: boolean;
  /** The rule in the test panel. */
  declare testing: Rule | null;
  // A new key for each opening, so a panel starts afresh, never with the last one's input.
  private formKey = 0;
  private testKey = 0;

  protected readonly view = 'rules';

  constructor() {
    super();
    this.params = {};
    this.rules = null;
    this.pagination = null;
    this.error = null;
    this.message = '';
    this.editing = null;
    this.changing = false;
    this.testing = null;
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

  private open(target: 'new' | Rule) {
    this.message = '';
    this.formKey++;
    this.editing = target;
  }

  private async saved(event: CustomEvent<{ message: string; rule: Rule }>) {
    const { message, rule } = event.detail;
    this.message = message;
    if (this.testing?.pk === rule?.pk) this.testing = rule;
    this.editing = null;
    await this.load();
  }

  private openTest(rule: Rule) {
    this.testKey++;
    this.testing = rule;
  }

  private change(step: () => Promise<void>) {
    return changeRow(this, step, () => this.load());
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

  private renderPanels() {
    const editing = this.editing;
    return html`${
      editing
        ? keyed(
            this.formKey,
            html`<ieh-rule-form .rule=${editing === 'new' ? null : editing} @saved=${this.saved} @cancel=${() => {
              this.editing = null;
            }}></ieh-rule-form>`,
          )
        : nothing
    }
      ${
        this.testing
          ? keyed(
              this.testKey,
              html`<ieh-rule-test .rule=${this.testing} @close=${() => {
                this.testing = null;
              }}></ieh-rule-test>`,
            )
          : nothing
      }`;
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
        <a href=${hashFor('events', { search: allFiresSearch })}>Every rule's fires in Events</a>
        ${lacking(write)}
      </div>
      ${this.renderPanels()}
      ${this.rules ? this.renderTable(this.rules) : nothing}`;
  }
}
