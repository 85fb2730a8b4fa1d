// <ieh-policies>: authentik event matcher policies: list, create, edit, delete (a bound policy's
// refusal comes with the bindings that use it), and a test panel on an inline or a stored event.
import { html, nothing } from 'lit';
import { ApiError, api, can } from './api.ts';
import { confirmStep, errorBox, LoadedView, lacking, notice, text } from './base.ts';
import { queryHelp } from './query-help.ts';

interface Policy {
  pk: string;
  name: string;
  execution_logging: boolean;
  bound_to: number;
  action: string | null;
  client_ip: string | null;
  app: string | null;
  model: string | null;
  /** The query (AKQL); a policy stored before authentik 2026.8 has none. */
  query?: string | null;
}

interface UsedBy {
  pk: string;
  name: string;
  model_name: string;
}

const write = 'policy_write';
const exampleEvent = JSON.stringify({ action: 'login_failed', app: 'authentik', client_ip: '192.0.2.10' }, null, 2);

export class PoliciesView extends LoadedView {
  static override properties = {
    policies: { state: true },
    error: { state: true },
    message: { state: true },
    editing: { state: true },
    formError: { state: true },
    usedBy: { state: true },
    actions: { state: true },
    testing: { state: true },
    testSource: { state: true },
    testResult: { state: true },
    testError: { state: true },
  };
  declare policies: Policy[] | null;
  declare error: unknown;
  declare message: string;
  declare editing: 'new' | Policy | null;
  declare formError: unknown;
  declare usedBy: { policy: Policy; bindings: UsedBy[] } | null;
  declare actions: string[];
  declare testing: Policy | null;
  declare testSource: 'inline' | 'stored';
  declare testResult: { passing: boolean; messages: string[] } | null;
  declare testError: unknown;

  constructor() {
    super();
    this.policies = null;
    this.error = null;
    this.message = '';
    this.editing = null;
    this.formError = null;
    this.usedBy = null;
    this.actions = [];
    this.testing = null;
    this.testSource = 'inline';
    this.testResult = null;
    this.testError = null;
  }

  protected async load() {
    try {
      const { body } = await api('GET', '/policies/event_matcher/?page_size=100&ordering=name');
      this.policies = body.results;
      this.error = null;
    } catch (error) {
      this.error = error;
    }
  }

  private async open(target: 'new' | Policy) {
    this.formError = null;
    this.message = '';
    this.editing = target;
    if (this.actions.length === 0) {
      api('GET', '/events/events/actions/')
        .then(({ body }) => {
          this.actions = (body as { component: string }[]).map((a) => a.component);
        })
        .catch(() => undefined);
    }
    await this.updateComplete;
    this.querySelector<HTMLElement>('#policy-form-heading')?.focus();
  }

  private async save(event: SubmitEvent) {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const value = (name: string) => String(data.get(name) ?? '').trim() || null;
    const body = {
      name: value('name') ?? '',
      action: value('action'),
      client_ip: value('client_ip'),
      app: value('app'),
      model: value('model'),
      query: value('query'),
      execution_logging: data.get('execution_logging') === 'on',
    };
    this.formError = null;
    try {
      if (this.editing === 'new') {
        const created = (await api('POST', '/policies/event_matcher/', { json: body })).body as Policy;
        this.message = `Policy "${created.name}" created.`;
      } else if (this.editing) {
        await api('PUT', `/policies/event_matcher/${this.editing.pk}/`, { json: body });
        this.message = `Policy "${body.name}" saved.`;
      }
      this.editing = null;
      await this.load();
    } catch (error) {
      this.formError = error;
    }
  }

  private async deletePolicy(policy: Policy) {
    this.message = '';
    this.usedBy = null;
    if (!(await confirmStep(`Delete the matcher policy "${policy.name}"? This cannot be undone.`, 'Delete'))) return;
    try {
      await api('DELETE', `/policies/event_matcher/${policy.pk}/`);
      this.message = `Policy "${policy.name}" deleted.`;
      await this.load();
    } catch (error) {
      this.error = error;
      // A bound policy is refused: show which bindings hold it.
      if (error instanceof ApiError && error.status === 400) {
        try {
          const bindings = (await api('GET', `/policies/event_matcher/${policy.pk}/used_by/`)).body as UsedBy[];
          this.usedBy = { policy, bindings };
        } catch {
          // The refusal itself is shown already.
        }
      }
    }
  }

  private async runTest(event: SubmitEvent) {
    event.preventDefault();
    const policy = this.testing;
    if (!policy) return;
    const data = new FormData(event.target as HTMLFormElement);
    this.testResult = null;
    this.testError = null;
    let body: Record<string, unknown>;
    if (this.testSource === 'stored') {
      const uuid = String(data.get('event_uuid') ?? '').trim();
      if (!uuid) {
        this.testError = new Error('Enter the id (pk) of a stored event.');
        return;
      }
      body = { event_uuid: uuid };
    } else {
      try {
        body = { event: JSON.parse(String(data.get('event_json') ?? '')) };
      } catch (error) {
        this.testError = new Error(`The event is not valid JSON: ${(error as Error).message}`);
        return;
      }
    }
    try {
      this.testResult = (await api('POST', `/policies/event_matcher/${policy.pk}/test/`, { json: body })).body;
    } catch (error) {
      this.testError = error;
    }
  }

  private renderForm() {
    const editing = this.editing;
    if (!editing) return nothing;
    const policy = editing === 'new' ? null : editing;
    return html`<section class="panel" aria-labelledby="policy-form-heading">
      <h2 id="policy-form-heading" tabindex="-1">${policy ? `Edit policy "${policy.name}"` : 'New matcher policy'}</h2>
      <form @submit=${this.save} novalidate>
        <div class="fields">
          <div class="field">
            <label for="policy-name">Name</label>
            <input id="policy-name" name="name" type="text" required .value=${policy?.name ?? ''} />
          </div>
          <div class="field">
            <label for="policy-action">Action</label>
            <input id="policy-action" name="action" type="text" list="policy-actions" .value=${policy?.action ?? ''}
              aria-describedby="policy-action-hint" />
            <datalist id="policy-actions">${this.actions.map((a) => html`<option value=${a}></option>`)}</datalist>
            <p class="hint" id="policy-action-hint">The event's action, e.g. login_failed; empty matches any.</p>
          </div>
          <div class="field">
            <label for="policy-client_ip">Client IP</label>
            <input id="policy-client_ip" name="client_ip" type="text" .value=${policy?.client_ip ?? ''} />
          </div>
          <div class="field">
            <label for="policy-app">App</label>
            <input id="policy-app" name="app" type="text" .value=${policy?.app ?? ''} />
          </div>
          <div class="field">
            <label for="policy-model">Model (app.model_name)</label>
            <input id="policy-model" name="model" type="text" .value=${policy?.model ?? ''} />
          </div>
          <div class="field wide">
            <label for="policy-query">Query</label>
            <textarea id="policy-query" name="query" rows="2" spellcheck="false" .value=${policy?.query ?? ''}
              placeholder='client_ip in cidr("10.0.0.0/8")' aria-describedby="policy-query-help"></textarea>
            ${queryHelp('policy-query-help')}
          </div>
          <div class="field check">
            <input id="policy-execution_logging" name="execution_logging" type="checkbox"
              ?checked=${policy?.execution_logging ?? false} />
            <label for="policy-execution_logging">Execution logging</label>
          </div>
        </div>
        ${errorBox(this.formError)}
        <div class="buttons">
          <button type="submit" ?disabled=${!can(write)}>${policy ? 'Save changes' : 'Create policy'}</button>
          <button type="button" class="secondary" @click=${() => {
            this.editing = null;
          }}>Cancel</button>
          ${lacking(write)}
        </div>
      </form>
    </section>`;
  }

  private renderTest() {
    const policy = this.testing;
    if (!policy) return nothing;
    return html`<section class="panel" aria-labelledby="policy-test-heading">
      <h2 id="policy-test-heading" tabindex="-1">Test "${policy.name}"</h2>
      <form @submit=${this.runTest} novalidate>
        <fieldset>
          <legend>Event to test</legend>
          <span class="check">
            <input id="test-inline" type="radio" name="source" value="inline" ?checked=${this.testSource === 'inline'}
              @change=${() => {
                this.testSource = 'inline';
              }} />
            <label for="test-inline">An event written here</label>
          </span>
          <span class="check">
            <input id="test-stored" type="radio" name="source" value="stored" ?checked=${this.testSource === 'stored'}
              @change=${() => {
                this.testSource = 'stored';
              }} />
            <label for="test-stored">A stored event, by id</label>
          </span>
        </fieldset>
        ${
          this.testSource === 'inline'
            ? html`<div class="field wide">
              <label for="test-event">Event (JSON)</label>
              <textarea id="test-event" name="event_json" rows="6" spellcheck="false" .value=${exampleEvent}></textarea>
            </div>`
            : html`<div class="field">
              <label for="test-event-uuid">Event id</label>
              <input id="test-event-uuid" name="event_uuid" type="text" spellcheck="false" />
            </div>`
        }
        ${errorBox(this.testError)}
        ${
          this.testResult
            ? html`<div class="result ${this.testResult.passing ? 'pass' : 'fail'}" role="status">
              <strong>${this.testResult.passing ? 'The event passes.' : 'The event does not pass.'}</strong>
              <ul>${this.testResult.messages.map((m) => html`<li>${m}</li>`)}</ul>
            </div>`
            : nothing
        }
        <div class="buttons">
          <button type="submit" ?disabled=${!can(write)}>Run test</button>
          <button type="button" class="secondary" @click=${() => {
            this.testing = null;
          }}>Close</button>
          ${lacking(write)}
        </div>
      </form>
    </section>`;
  }

  override render() {
    const canWrite = can(write);
    return html`<h1>Matcher policies</h1>
      ${notice(this.message)} ${errorBox(this.error)}
      ${
        this.usedBy
          ? html`<div class="error" role="alert">
            <p>"${this.usedBy.policy.name}" is used by ${this.usedBy.bindings.length === 1 ? 'this binding' : 'these bindings'}:</p>
            <ul>
              ${this.usedBy.bindings.map((b) => html`<li><a href="#bindings">Binding ${b.pk} ("${b.name}")</a></li>`)}
            </ul>
            <p>Remove the policy from their matcher_policy conditions, then delete it.</p>
          </div>`
          : nothing
      }
      <div class="buttons">
        <button type="button" ?disabled=${!canWrite} @click=${() => this.open('new')}>New matcher policy</button>
        ${lacking(write)}
      </div>
      ${this.renderForm()} ${this.renderTest()}
      ${
        this.policies
          ? this.policies.length === 0
            ? html`<p>No matcher policies yet.</p>`
            : html`<div class="table-wrap" tabindex="0" role="region" aria-label="Matcher policies">
              <table>
                <thead>
                  <tr><th scope="col">Name</th><th scope="col">Action</th><th scope="col">Client IP</th><th scope="col">App</th>
                    <th scope="col">Model</th><th scope="col">Bound to</th>
                    <th scope="col"><span class="visually-hidden">Actions</span></th></tr>
                </thead>
                <tbody>
                  ${this.policies.map(
                    (p) => html`<tr>
                      <td>${text(p.name)}</td><td>${text(p.action)}</td><td>${text(p.client_ip)}</td><td>${text(p.app)}</td>
                      <td>${text(p.model)}</td><td>${text(p.bound_to)}</td>
                      <td class="row-actions">
                        <button type="button" class="secondary" @click=${async () => {
                          this.testing = p;
                          this.testResult = null;
                          this.testError = null;
                          await this.updateComplete;
                          this.querySelector<HTMLElement>('#policy-test-heading')?.focus();
                        }} aria-label="Test ${p.name}">Test</button>
                        <button type="button" class="secondary" ?disabled=${!canWrite} @click=${() => this.open(p)}
                          aria-label="Edit ${p.name}">Edit</button>
                        <button type="button" class="danger" ?disabled=${!canWrite} @click=${() => this.deletePolicy(p)}
                          aria-label="Delete ${p.name}">Delete</button>
                      </td>
                    </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
          : nothing
      }`;
  }
}
