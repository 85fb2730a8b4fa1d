// <ieh-deliveries> (the delivery ledger by status and binding, with replay) and <ieh-counters>.
import { html, nothing } from 'lit';
import { can, piValue } from './api.ts';
import { errorBox, formatTime, HashView, LoadedView, lacking, notice, text } from './base.ts';
import { writeHash } from './hash.ts';

interface Delivery {
  id: string;
  event: string;
  binding: number;
  binding_name: string;
  handlermodule: string;
  action: string;
  status: string;
  attempt: number;
  max_attempts: number;
  last_error: string | null;
  next_attempt: string | null;
  created: string;
  updated: string;
}

const statuses = ['pending', 'succeeded', 'failed', 'dead', 'held'];

export class DeliveriesView extends HashView {
  static override properties = {
    deliveries: { state: true },
    bindings: { state: true },
    error: { state: true },
    message: { state: true },
    params: { state: true },
  };
  declare deliveries: Delivery[] | null;
  declare bindings: { id: number; name: string }[];
  declare error: unknown;
  declare message: string;
  declare params: Record<string, string>;

  constructor() {
    super();
    this.deliveries = null;
    this.bindings = [];
    this.error = null;
    this.message = '';
    this.params = {};
  }

  protected readonly view = 'deliveries';

  override connectedCallback() {
    piValue('GET', '/event/')
      .then((bindings) => {
        this.bindings = bindings;
      })
      .catch(() => undefined);
    super.connectedCallback();
  }

  protected showHash() {
    void this.load();
  }

  private async load() {
    const query = new URLSearchParams();
    for (const key of ['status', 'binding', 'event', 'limit']) if (this.params[key]) query.set(key, this.params[key]);
    try {
      this.deliveries = await piValue<Delivery[]>('GET', `/event/deliveries?${query}`);
      this.error = null;
    } catch (error) {
      this.deliveries = null;
      this.error = error;
    }
  }

  private async replay(delivery: Delivery) {
    this.message = '';
    try {
      const after = await piValue<Delivery>('POST', `/event/deliveries/${encodeURIComponent(delivery.id)}/replay`);
      this.message = `Delivery of "${delivery.binding_name}" for event ${delivery.event} replayed: now ${after.status}.`;
      await this.load();
    } catch (error) {
      this.error = error;
    }
  }

  override render() {
    const p = this.params;
    const canWrite = can('eventhandling_write');
    return html`<h1>Deliveries</h1>
      <form class="filters" aria-label="Delivery filters" @submit=${(e: SubmitEvent) => {
        e.preventDefault();
        const data = new FormData(e.target as HTMLFormElement);
        const next: Record<string, string> = {};
        for (const [key, value] of data) if (typeof value === 'string' && value.trim()) next[key] = value.trim();
        writeHash('deliveries', next);
      }}>
        <div class="fields">
          <div class="field">
            <label for="delivery-status">Status</label>
            <select id="delivery-status" name="status">
              <option value="">Any</option>
              ${statuses.map((s) => html`<option ?selected=${p.status === s}>${s}</option>`)}
            </select>
          </div>
          <div class="field">
            <label for="delivery-binding">Binding</label>
            <select id="delivery-binding" name="binding">
              <option value="">Any</option>
              ${this.bindings.map(
                (b) => html`<option value=${b.id} ?selected=${p.binding === String(b.id)}>${b.id}: ${b.name}</option>`,
              )}
            </select>
          </div>
          <div class="field">
            <label for="delivery-event">Event id</label>
            <input id="delivery-event" name="event" type="text" .value=${p.event ?? ''} />
          </div>
        </div>
        <div class="buttons">
          <button type="submit">Show deliveries</button>
          <button type="button" class="secondary" @click=${() => this.load()}>Refresh</button>
        </div>
      </form>
      ${notice(this.message)} ${errorBox(this.error)}
      ${
        this.deliveries
          ? this.deliveries.length === 0
            ? html`<p role="status">No deliveries match.</p>`
            : html`<div class="table-wrap" tabindex="0" role="region" aria-label="Deliveries">
              <table>
                <thead>
                  <tr><th scope="col">Created</th><th scope="col">Binding</th><th scope="col">Module and action</th>
                    <th scope="col">Event</th><th scope="col">Status</th><th scope="col">Attempt</th>
                    <th scope="col">Last error</th><th scope="col">Next attempt</th>
                    <th scope="col"><span class="visually-hidden">Actions</span></th></tr>
                </thead>
                <tbody>
                  ${this.deliveries.map(
                    (d) => html`<tr>
                      <td>${formatTime(d.created)}</td><td>${text(d.binding)}: ${text(d.binding_name)}</td>
                      <td>${text(d.handlermodule)} ${text(d.action)}</td>
                      <td><a href="#events?event=${encodeURIComponent(d.event)}" class="mono">${d.event}</a></td>
                      <td><span class="status status-${d.status}">${d.status}</span></td>
                      <td>${text(d.attempt)} of ${text(d.max_attempts)}</td><td>${text(d.last_error)}</td>
                      <td>${formatTime(d.next_attempt)}</td>
                      <td class="row-actions">
                        <button type="button" class="secondary" ?disabled=${!canWrite} @click=${() => this.replay(d)}
                          aria-label="Replay the delivery of ${d.binding_name} for event ${d.event}">Replay</button>
                        ${lacking('eventhandling_write')}
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

export class CountersView extends LoadedView {
  static override properties = { counters: { state: true }, error: { state: true } };
  declare counters: { counter_name: string; counter_value: number; updated: string }[] | null;
  declare error: unknown;

  constructor() {
    super();
    this.counters = null;
    this.error = null;
  }

  protected async load() {
    try {
      this.counters = await piValue('GET', '/event/counters');
      this.error = null;
    } catch (error) {
      this.error = error;
    }
  }

  override render() {
    return html`<h1>Counters</h1>
      <div class="buttons"><button type="button" class="secondary" @click=${() => this.load()}>Refresh</button></div>
      ${errorBox(this.error)}
      ${
        this.counters
          ? this.counters.length === 0
            ? html`<p>No counters yet: a Counter binding makes them.</p>`
            : html`<div class="table-wrap" tabindex="0" role="region" aria-label="Counters">
              <table>
                <thead><tr><th scope="col">Counter</th><th scope="col">Value</th><th scope="col">Updated</th></tr></thead>
                <tbody>
                  ${this.counters.map(
                    (c) =>
                      html`<tr><td>${text(c.counter_name)}</td><td>${text(c.counter_value)}</td><td>${formatTime(c.updated)}</td></tr>`,
                  )}
                </tbody>
              </table>
            </div>`
          : nothing
      }`;
  }
}
