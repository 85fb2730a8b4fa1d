// <ieh-connectors>: the URLs identity platforms push their events to (issue 21 item 7): list,
// create, enable and disable, rotate the secret, delete. A secret is shown once, after create or
// rotate, and lives only in this element's state: gone when dismissed or when the view is left.
import { html, nothing } from 'lit';
import { api, can } from './api.ts';
import { confirmStep, errorBox, formatTime, LoadedView, lacking, notice, text } from './base.ts';
import { changeRow } from './row-change.ts';

interface Connector {
  pk: string;
  name: string;
  kind: string;
  enabled: boolean;
  created: string;
  ingest_url: string;
  last_received: string | null;
  received: number;
}

/** A secret as create or rotate answered it, for this one showing. */
interface ShownSecret {
  connector: Connector;
  secret: string;
  rotated: boolean;
}

const write = 'auditlog_write';
/** Few connectors are expected; more than a page is said, not hidden. */
const pageSize = 100;

/** The kinds the API maps (lib/connectors/mapping.ts), with what each platform calls its feed. */
const kinds: { kind: string; label: string }[] = [
  { kind: 'okta', label: 'Okta Event Hooks' },
  { kind: 'auth0', label: 'Auth0 Log Streams' },
  { kind: 'cloudevents', label: 'CloudEvents 1.0' },
  { kind: 'authentik', label: 'authentik webhook' },
  { kind: 'keycloak', label: 'Keycloak webhook' },
];

/** A time from the API as text: an ISO string shortened, anything else as text(). */
const timeText = (value: unknown) => (typeof value === 'string' ? formatTime(value) : text(value));

export class ConnectorsView extends LoadedView {
  static override properties = {
    connectors: { state: true },
    count: { state: true },
    error: { state: true },
    message: { state: true },
    creating: { state: true },
    formError: { state: true },
    saving: { state: true },
    changing: { state: true },
    shown: { state: true },
    copyNote: { state: true },
  };
  declare connectors: Connector[] | null;
  declare count: number;
  declare error: unknown;
  declare message: string;
  declare creating: boolean;
  declare formError: unknown;
  /** A create in flight: its button stays disabled, so one click makes one connector. */
  declare saving: boolean;
  /** A row's change in flight (enable, disable, rotate, delete): the row buttons wait for it. */
  declare changing: boolean;
  declare shown: ShownSecret | null;
  declare copyNote: { ok: boolean; text: string } | null;

  /** A page restored from the back-forward cache must not bring a secret back. */
  private readonly onPageHide = () => this.forget();

  constructor() {
    super();
    this.connectors = null;
    this.count = 0;
    this.error = null;
    this.message = '';
    this.creating = false;
    this.formError = null;
    this.saving = false;
    this.changing = false;
    this.shown = null;
    this.copyNote = null;
  }

  override connectedCallback() {
    super.connectedCallback();
    window.addEventListener('pagehide', this.onPageHide);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    window.removeEventListener('pagehide', this.onPageHide);
    // Leaving the view (another section, sign-out) drops the secret with the element.
    this.forget();
  }

  protected async load() {
    try {
      const { body } = await api('GET', `/connectors/?page_size=${pageSize}`);
      this.connectors = body.results;
      this.count = typeof body.pagination?.count === 'number' ? body.pagination.count : body.results.length;
      this.error = null;
    } catch (error) {
      this.error = error;
    }
  }

  private forget() {
    this.shown = null;
    this.copyNote = null;
  }

  private async openForm() {
    this.formError = null;
    this.message = '';
    this.creating = true;
    await this.updateComplete;
    this.querySelector<HTMLElement>('#connector-form-heading')?.focus();
  }

  /** Shows a secret just answered, with the focus on its box so a screen reader reads it first. */
  private async show(connector: Connector, secret: string, rotated: boolean) {
    this.copyNote = null;
    this.shown = { connector, secret, rotated };
    await this.updateComplete;
    this.querySelector<HTMLElement>('#secret-heading')?.focus();
  }

  private async create(event: SubmitEvent) {
    event.preventDefault();
    if (this.saving) return;
    const data = new FormData(event.target as HTMLFormElement);
    const name = String(data.get('name') ?? '').trim();
    const kind = String(data.get('kind') ?? '');
    this.formError = null;
    this.message = '';
    if (!name) {
      this.formError = new Error('Give the connector a name.');
      return;
    }
    this.saving = true;
    try {
      const { body } = await api('POST', '/connectors/', { json: { name, kind } });
      const { secret, ...connector } = body as Connector & { secret: unknown };
      this.creating = false;
      this.message = `Connector "${text(connector.name)}" created.`;
      await this.show(connector, text(secret), false);
      await this.load();
    } catch (error) {
      this.formError = error;
    } finally {
      this.saving = false;
    }
  }

  private change(step: () => Promise<void>) {
    return changeRow(this, step, () => this.load());
  }

  private toggle(connector: Connector) {
    return this.change(async () => {
      await api('PATCH', `/connectors/${encodeURIComponent(connector.pk)}/`, { json: { enabled: !connector.enabled } });
      this.message = `Connector "${text(connector.name)}" ${connector.enabled ? 'disabled' : 'enabled'}.`;
    });
  }

  private async rotate(connector: Connector) {
    this.message = '';
    const question = `Rotate the secret of "${text(connector.name)}"? The current secret stops working at once: the platform must be given the new one.`;
    if (!(await confirmStep(question, 'Rotate'))) return;
    await this.change(async () => {
      const { body } = await api('POST', `/connectors/${encodeURIComponent(connector.pk)}/rotate/`);
      const { secret, ...rotated } = body as Connector & { secret: unknown };
      this.message = `The secret of "${text(rotated.name)}" was rotated.`;
      await this.show(rotated, text(secret), true);
    });
  }

  private async deleteConnector(connector: Connector) {
    this.message = '';
    const question = `Delete the connector "${text(connector.name)}"? Its URL stops accepting events at once; the events it brought stay. This cannot be undone.`;
    if (!(await confirmStep(question, 'Delete'))) return;
    await this.change(async () => {
      await api('DELETE', `/connectors/${encodeURIComponent(connector.pk)}/`);
      if (this.shown?.connector.pk === connector.pk) this.forget();
      this.message = `Connector "${text(connector.name)}" deleted.`;
    });
  }

  /** To the clipboard; where the browser refuses (no permission, not a secure origin), the text is selected for Ctrl+C. */
  private async copy() {
    const shown = this.shown;
    if (!shown) return;
    this.copyNote = null;
    try {
      if (!navigator.clipboard?.writeText) throw new Error('no clipboard');
      await navigator.clipboard.writeText(shown.secret);
      if (this.shown === shown) this.copyNote = { ok: true, text: 'Copied to the clipboard.' };
    } catch {
      if (this.shown !== shown) return;
      const field = this.querySelector<HTMLInputElement>('#connector-secret');
      field?.focus();
      field?.select();
      this.copyNote = {
        ok: false,
        text: 'The browser did not allow copying: the secret is selected, press Ctrl+C (⌘C on a Mac) to copy it.',
      };
    }
  }

  private renderSecret() {
    const shown = this.shown;
    if (!shown) return nothing;
    const name = text(shown.connector.name);
    return html`<section class="panel secret" aria-labelledby="secret-heading">
      <h2 id="secret-heading" tabindex="-1">${shown.rotated ? 'New secret' : 'Secret'} of "${name}"</h2>
      <p class="warning" id="secret-once">
        <strong>Copy it now: it will not be shown again.</strong> The service keeps only its hash; if it is lost,
        rotate the secret to get a new one.
      </p>
      <div class="field">
        <label for="connector-secret">Secret</label>
        <div class="copy">
          <input id="connector-secret" type="text" class="mono" readonly autocomplete="off" spellcheck="false"
            aria-describedby="secret-once" .value=${shown.secret} />
          <button type="button" @click=${() => this.copy()}>Copy secret</button>
        </div>
      </div>
      ${
        this.copyNote
          ? html`<p class=${this.copyNote.ok ? 'notice' : 'error'} role=${this.copyNote.ok ? 'status' : 'alert'}>${this.copyNote.text}</p>`
          : nothing
      }
      <p class="hint spaced">
        Give the platform the URL <span class="mono wrap">${text(shown.connector.ingest_url)}</span> and this secret, sent as
        <span class="mono">Authorization: Bearer &lt;secret&gt;</span> or as the header's whole value.
      </p>
      <div class="buttons">
        <button type="button" class="secondary" @click=${() => this.forget()}>Done, hide the secret</button>
      </div>
    </section>`;
  }

  private renderForm() {
    if (!this.creating) return nothing;
    return html`<section class="panel" aria-labelledby="connector-form-heading">
      <h2 id="connector-form-heading" tabindex="-1">New connector</h2>
      <form @submit=${this.create} novalidate>
        <div class="fields">
          <div class="field">
            <label for="connector-name">Name</label>
            <input id="connector-name" name="name" type="text" required maxlength="200" autocomplete="off" />
          </div>
          <div class="field">
            <label for="connector-kind">Kind</label>
            <select id="connector-kind" name="kind" aria-describedby="connector-kind-hint">
              ${kinds.map((k) => html`<option value=${k.kind}>${k.label}</option>`)}
            </select>
            <p class="hint" id="connector-kind-hint">
              The platform and the shape it sends: an Okta Event Hook, an Auth0 custom-webhook Log Stream,
              CloudEvents 1.0 (structured, batched or binary), an authentik notification webhook, a Keycloak
              event-listener webhook.
            </p>
          </div>
        </div>
        ${errorBox(this.formError)}
        <div class="buttons">
          <button type="submit" ?disabled=${!can(write) || this.saving}>Create connector</button>
          <button type="button" class="secondary" @click=${() => {
            this.creating = false;
          }}>Cancel</button>
          ${lacking(write)}
        </div>
      </form>
    </section>`;
  }

  private renderTable(connectors: Connector[]) {
    if (connectors.length === 0) return html`<p>No connectors yet.</p>`;
    const disabled = !can(write) || this.changing;
    return html`${
      this.count > connectors.length
        ? html`<p class="count">${this.count} connectors, showing the first ${connectors.length}.</p>`
        : nothing
    }
      <div class="table-wrap" tabindex="0" role="region" aria-label="Connectors">
        <table>
          <thead>
            <tr><th scope="col">Name</th><th scope="col">Kind</th><th scope="col">URL</th><th scope="col">Enabled</th>
              <th scope="col">Received</th><th scope="col">Last received</th>
              <th scope="col"><span class="visually-hidden">Actions</span></th></tr>
          </thead>
          <tbody>
            ${connectors.map((c) => {
              const name = text(c.name);
              return html`<tr>
                <td>${name}</td><td>${text(c.kind)}</td><td><span class="mono wrap">${text(c.ingest_url)}</span></td>
                <td>${c.enabled === true ? 'yes' : c.enabled === false ? 'no' : text(c.enabled)}</td>
                <td>${text(c.received)}</td><td>${timeText(c.last_received)}</td>
                <td class="row-actions">
                  <button type="button" class="secondary" ?disabled=${disabled} @click=${() => this.toggle(c)}
                    aria-label="${c.enabled ? 'Disable' : 'Enable'} ${name}">${c.enabled ? 'Disable' : 'Enable'}</button>
                  <button type="button" class="secondary" ?disabled=${disabled} @click=${() => this.rotate(c)}
                    aria-label="Rotate secret of ${name}">Rotate secret</button>
                  <button type="button" class="danger" ?disabled=${disabled} @click=${() => this.deleteConnector(c)}
                    aria-label="Delete ${name}">Delete</button>
                </td>
              </tr>`;
            })}
          </tbody>
        </table>
      </div>`;
  }

  override render() {
    return html`<h1>Connectors</h1>
      <p>An identity platform pushes its events to a connector's URL, opened by the connector's own secret.</p>
      ${notice(this.message)} ${errorBox(this.error)}
      ${this.renderSecret()}
      <div class="buttons">
        <button type="button" ?disabled=${!can(write)} @click=${() => this.openForm()}>New connector</button>
        <button type="button" class="secondary" @click=${() => this.load()}>Refresh</button>
        ${lacking(write)}
      </div>
      ${this.renderForm()}
      ${this.connectors ? this.renderTable(this.connectors) : nothing}`;
  }
}
