// <ieh-events>: the authentik event list with its filters and search, newest first, paging to
// any depth, the count, one event's full JSON, and the volume chart when volume/ answers.
import { html, nothing, svg } from 'lit';
import { api } from './api.ts';
import { errorBox, formatTime, HashView, text } from './base.ts';
import { writeHash } from './hash.ts';
import type { Pagination } from './pagination.ts';

/** The list's filters, in the order of the form; each is a query parameter of GET /events/events/. */
const filters = [
  { name: 'search', label: 'Search', more: false },
  { name: 'action', label: 'Action contains', more: false },
  { name: 'username', label: 'Username', more: false },
  { name: 'client_ip', label: 'Client IP', more: false },
  { name: 'actions', label: 'Actions, any of (a,b)', more: true },
  { name: 'brand_name', label: 'Brand name', more: true },
  { name: 'context_model_app', label: 'Model app', more: true },
  { name: 'context_model_name', label: 'Model name', more: true },
  { name: 'context_model_pk', label: 'Model pk', more: true },
  { name: 'context_authorized_app', label: 'Authorized application', more: true },
  { name: 'context_device', label: 'Device', more: true },
] as const;
const timeFilters = [
  { name: 'created__gte', label: 'Created from' },
  { name: 'created__lt', label: 'Created before' },
] as const;
const listKeys = [...filters.map((f) => f.name), ...timeFilters.map((f) => f.name), 'ordering', 'page_size'];

interface VolumeBar {
  label: string;
  count: number;
}

/** datetime-local value (local time) → ISO 8601 UTC for the API; anything else as typed. */
function isoOf(value: string): string {
  const date = new Date(value);
  return /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(value) && !Number.isNaN(date.valueOf()) && !/[zZ+]/.test(value.slice(16))
    ? date.toISOString()
    : value;
}

/** volume/'s rows (authentik: [{action?, time, count}]) summed by time; null if the shape is unknown. */
function volumeBars(body: unknown): VolumeBar[] | null {
  const rows = Array.isArray(body) ? body : Array.isArray((body as any)?.results) ? (body as any).results : null;
  if (!rows) return null;
  const byTime = new Map<string, number>();
  for (const row of rows) {
    const time = row?.time ?? row?.day ?? row?.bucket ?? row?.start;
    const count = Number(row?.count);
    if (typeof time !== 'string' || !Number.isFinite(count)) return null;
    byTime.set(time, (byTime.get(time) ?? 0) + count);
  }
  return [...byTime].sort(([a], [b]) => a.localeCompare(b)).map(([label, count]) => ({ label, count }));
}

export class EventsView extends HashView {
  static override properties = {
    params: { state: true },
    results: { state: true },
    pagination: { state: true },
    error: { state: true },
    volume: { state: true },
    detail: { state: true },
    detailError: { state: true },
  };
  declare params: Record<string, string>;
  declare results: any[] | null;
  declare pagination: Pagination | null;
  declare error: unknown;
  declare volume: VolumeBar[] | null;
  declare detail: unknown;
  declare detailError: unknown;
  private loaded = '';

  constructor() {
    super();
    this.params = {};
    this.results = null;
    this.pagination = null;
    this.error = null;
    this.volume = null;
    this.detail = null;
    this.detailError = null;
  }

  protected readonly view = 'events';

  protected showHash() {
    const listQuery = `${this.listQuery()}|${this.params.history_days ?? ''}`;
    if (listQuery !== this.loaded) {
      this.loaded = listQuery;
      void this.load();
    }
    const pk = this.params.event;
    if (pk && (this.detail as any)?.pk !== pk) void this.show(pk);
    if (!pk) this.detail = null;
  }

  private listQuery(page = true): string {
    const query = new URLSearchParams();
    for (const key of listKeys) {
      const value = this.params[key];
      if (value) query.set(key, key.startsWith('created__') ? isoOf(value) : value);
    }
    if (!query.has('ordering')) query.set('ordering', '-created');
    // The size the form shows, not the API's default.
    if (!query.has('page_size')) query.set('page_size', '20');
    if (page && this.params.page) query.set('page', this.params.page);
    return query.toString();
  }

  private async load() {
    this.error = null;
    const query = this.listQuery();
    try {
      const { body } = await api('GET', `/events/events/?${query}`);
      this.results = body.results;
      this.pagination = body.pagination;
    } catch (error) {
      this.results = null;
      this.pagination = null;
      this.error = error;
    }
    void this.loadVolume();
  }

  /** The chart shows only while volume/ answers 200 with rows it understands. */
  private async loadVolume() {
    const query = new URLSearchParams(this.listQuery(false));
    query.delete('ordering');
    query.delete('page_size');
    if (this.params.history_days) query.set('history_days', this.params.history_days);
    try {
      const answer = await api('GET', `/events/events/volume/?${query}`, { allow: [400, 404, 405, 501] });
      this.volume = answer.status === 200 ? volumeBars(answer.body) : null;
    } catch {
      this.volume = null;
    }
  }

  private async show(pk: string) {
    this.detailError = null;
    try {
      this.detail = (await api('GET', `/events/events/${encodeURIComponent(pk)}/`)).body;
      await this.updateComplete;
      this.querySelector<HTMLElement>('#event-detail-heading')?.focus();
    } catch (error) {
      this.detail = null;
      this.detailError = error;
    }
  }

  private apply(event: SubmitEvent) {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const next: Record<string, string> = {};
    for (const [key, value] of data) if (typeof value === 'string' && value.trim()) next[key] = value.trim();
    writeHash('events', next);
  }

  private goTo(page: number) {
    writeHash('events', { ...this.params, page: String(page), event: undefined });
  }

  private renderFilter(name: string, label: string) {
    return html`<div class="field">
      <label for="filter-${name}">${label}</label>
      <input id="filter-${name}" name=${name} type=${name === 'search' ? 'search' : 'text'} .value=${this.params[name] ?? ''} />
    </div>`;
  }

  private renderFilters() {
    const p = this.params;
    return html`<form class="filters" @submit=${this.apply} aria-label="Event filters">
      <div class="fields">
        ${filters.filter((f) => !f.more).map((f) => this.renderFilter(f.name, f.label))}
        ${timeFilters.map(
          (f) => html`<div class="field">
            <label for="filter-${f.name}">${f.label}</label>
            <input id="filter-${f.name}" name=${f.name} type="datetime-local" step="1" .value=${p[f.name] ?? ''} />
          </div>`,
        )}
        <div class="field">
          <label for="filter-ordering">Order</label>
          <select id="filter-ordering" name="ordering" .value=${p.ordering ?? '-created'}>
            <option value="-created" ?selected=${(p.ordering ?? '-created') === '-created'}>Newest first</option>
            <option value="created" ?selected=${p.ordering === 'created'}>Oldest first</option>
          </select>
        </div>
        <div class="field">
          <label for="filter-page_size">Per page</label>
          <select id="filter-page_size" name="page_size">
            ${['20', '50', '100'].map((n) => html`<option ?selected=${(p.page_size ?? '20') === n}>${n}</option>`)}
          </select>
        </div>
        <div class="field">
          <label for="filter-history_days">Chart over</label>
          <select id="filter-history_days" name="history_days">
            ${[
              ['1', 'the last day'],
              ['7', 'the last 7 days'],
              ['30', 'the last 30 days'],
              ['60', 'the last 60 days'],
            ].map(
              ([days, text]) =>
                html`<option value=${days} ?selected=${(p.history_days ?? '7') === days}>${text}</option>`,
            )}
          </select>
        </div>
      </div>
      <details ?open=${filters.some((f) => f.more && p[f.name])}>
        <summary>More filters</summary>
        <div class="fields">${filters.filter((f) => f.more).map((f) => this.renderFilter(f.name, f.label))}</div>
      </details>
      <div class="buttons">
        <button type="submit">Apply filters</button>
        <button type="button" class="secondary" @click=${() => this.load()}>Refresh</button>
        <button type="button" class="secondary" @click=${() => writeHash('events')}>Clear</button>
      </div>
    </form>`;
  }

  private renderVolume() {
    const bars = this.volume;
    if (!bars || bars.length === 0) return nothing;
    const max = Math.max(...bars.map((b) => b.count), 1);
    const width = 600;
    const height = 120;
    const step = width / bars.length;
    const total = bars.reduce((sum, b) => sum + b.count, 0);
    return html`<figure class="volume">
      <figcaption>Event volume: ${total === 1 ? '1 event' : `${total} events`} in ${bars.length === 1 ? '1 interval' : `${bars.length} intervals`}, ${formatTime(bars[0]?.label)} to
        ${formatTime(bars.at(-1)?.label)}</figcaption>
      <svg viewBox="0 0 ${width} ${height}" preserveAspectRatio="none" role="img" aria-label="Events per interval, highest ${max}">
        ${bars.map((b, i) => {
          const h = Math.max(1, (b.count / max) * (height - 4));
          return svg`<rect class="bar" x=${i * step + 1} y=${height - h} width=${Math.max(1, step - 2)} height=${h}><title>${formatTime(b.label)}: ${b.count}</title></rect>`;
        })}
      </svg>
    </figure>`;
  }

  private renderPaging() {
    const pg = this.pagination;
    if (!pg) return nothing;
    const last = Math.max(1, pg.total_pages);
    return html`<nav class="paging" aria-label="Pages of events">
      <button type="button" class="secondary" ?disabled=${pg.current <= 1} @click=${() => this.goTo(1)}>First</button>
      <button type="button" class="secondary" ?disabled=${pg.current <= 1} @click=${() => this.goTo(pg.current - 1)}>
        Previous
      </button>
      <span>Page ${pg.current} of ${last}</span>
      <button type="button" class="secondary" ?disabled=${pg.current >= last} @click=${() => this.goTo(pg.current + 1)}>
        Next
      </button>
      <button type="button" class="secondary" ?disabled=${pg.current >= last} @click=${() => this.goTo(last)}>Last</button>
      <form class="inline" @submit=${(e: SubmitEvent) => {
        e.preventDefault();
        const n = Number(new FormData(e.target as HTMLFormElement).get('page'));
        if (Number.isInteger(n) && n >= 1) this.goTo(Math.min(n, last));
      }}>
        <label for="page-number">Go to page</label>
        <input id="page-number" name="page" type="number" min="1" max=${last} inputmode="numeric" class="short" />
        <button type="submit" class="secondary">Go</button>
      </form>
    </nav>`;
  }

  private renderDetail() {
    if (this.detailError) return errorBox(this.detailError);
    const detail = this.detail as any;
    if (!detail) return nothing;
    return html`<section class="detail" aria-labelledby="event-detail-heading">
      <h2 id="event-detail-heading" tabindex="-1">Event ${detail.pk}</h2>
      <pre class="json" tabindex="0" aria-label="The event as JSON">${JSON.stringify(detail, null, 2)}</pre>
      <button type="button" class="secondary" @click=${() => writeHash('events', { ...this.params, event: undefined })}>
        Close
      </button>
    </section>`;
  }

  override render() {
    const pg = this.pagination;
    return html`<h1>Events</h1>
      ${this.renderFilters()} ${this.renderVolume()} ${errorBox(this.error)}
      ${
        pg
          ? html`<p class="count" role="status">
            ${pg.count === 1 ? '1 event' : `${pg.count} events`}${pg.count > 0 ? `, showing ${pg.start_index}–${pg.end_index}` : ''}
          </p>`
          : nothing
      }
      ${this.renderDetail()}
      ${
        this.results
          ? html`<div class="table-wrap" tabindex="0" role="region" aria-label="Events">
            <table>
              <thead>
                <tr><th scope="col">Created</th><th scope="col">Action</th><th scope="col">User</th><th scope="col">App</th>
                  <th scope="col">Client IP</th><th scope="col"><span class="visually-hidden">Details</span></th></tr>
              </thead>
              <tbody>
                ${this.results.map(
                  (e) => html`<tr>
                    <td>${formatTime(text(e.created))}</td>
                    <td>${text(e.action)}</td>
                    <td>${text(e.user?.username ?? e.user?.email)}</td>
                    <td>${text(e.app)}</td>
                    <td>${text(e.client_ip)}</td>
                    <td><a href="#events?${new URLSearchParams({ ...this.params, event: text(e.pk) })}"
                      aria-label="Show the JSON of the ${text(e.action)} event at ${formatTime(text(e.created))}">JSON</a></td>
                  </tr>`,
                )}
              </tbody>
            </table>
          </div>`
          : nothing
      }
      ${this.renderPaging()}`;
  }
}
