// <ieh-console>: sign-in, navigation between the views (from the hash), the loading indicator.
import { html, nothing } from 'lit';
import { api, can, consoleEvents, errorText, isBusy, session, tokenKey } from './api.ts';
import { ConsoleElement } from './base.ts';
import { readHash, type View } from './hash.ts';

const navigation: { view: View; label: string; action: string }[] = [
  { view: 'events', label: 'Events', action: 'auditlog_read' },
  { view: 'bindings', label: 'Bindings', action: 'eventhandling_read' },
  { view: 'policies', label: 'Matcher policies', action: 'policy_read' },
  { view: 'deliveries', label: 'Deliveries', action: 'eventhandling_read' },
  { view: 'counters', label: 'Counters', action: 'eventhandling_read' },
  { view: 'connectors', label: 'Connectors', action: 'auditlog_read' },
  { view: 'rules', label: 'Detection rules', action: 'eventhandling_read' },
];

export class ConsoleApp extends ConsoleElement {
  static override properties = { view: { state: true }, busy: { state: true }, signInError: { state: true } };
  declare view: View;
  declare busy: boolean;
  declare signInError: string;

  constructor() {
    super();
    this.view = readHash().view;
    this.busy = false;
    this.signInError = '';
  }

  private readonly onHash = () => {
    this.view = readHash().view;
  };
  private readonly onSession = () => {
    this.requestUpdate();
    if (!session.token) queueMicrotask(() => this.querySelector<HTMLInputElement>('#token')?.focus());
  };
  private readonly onBusy = () => {
    this.busy = isBusy();
  };

  override connectedCallback() {
    // The page's placeholder text, until this element renders.
    this.querySelector('.boot')?.remove();
    super.connectedCallback();
    window.addEventListener('hashchange', this.onHash);
    consoleEvents.addEventListener('session', this.onSession);
    consoleEvents.addEventListener('busy', this.onBusy);
    if (session.token) void this.probe();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    window.removeEventListener('hashchange', this.onHash);
    consoleEvents.removeEventListener('session', this.onSession);
    consoleEvents.removeEventListener('busy', this.onBusy);
  }

  /** One cheap read per area: a 403 marks its policy action as missing before any view needs it. */
  private async probe() {
    await Promise.allSettled([
      api('GET', '/events/events/?page_size=1'),
      api('GET', '/event/handlermodules'),
      api('GET', '/policies/event_matcher/?page_size=1'),
    ]);
  }

  private async signIn(event: SubmitEvent) {
    event.preventDefault();
    const input = this.querySelector<HTMLInputElement>('#token');
    const token = input?.value.trim() ?? '';
    if (!token) {
      this.signInError = 'Enter the admin token.';
      return;
    }
    this.signInError = '';
    // Tried before the session begins: a refused token never reaches the views.
    sessionStorage.setItem(tokenKey, token);
    try {
      // Any route with an authorizer tells whether the token is known; 403 still means signed in.
      await api('GET', '/event/handlermodules', { allow: [403] });
    } catch (error) {
      // Said once, as this form's error, not also as the reason of a session that never began.
      session.reason = '';
      this.signInError = errorText(error);
      sessionStorage.removeItem(tokenKey);
      return;
    }
    session.signIn(token);
    await this.probe();
  }

  private renderSignIn() {
    return html`<main id="main" class="sign-in">
      <h1>idp-event-hub console</h1>
      <form @submit=${this.signIn} novalidate>
        <label for="token">Admin token</label>
        <input id="token" name="token" type="password" autocomplete="off" spellcheck="false" required
          aria-describedby="token-hint" />
        <p id="token-hint" class="hint">Kept in this tab's session storage only, until you sign out or close the tab.</p>
        ${session.reason ? html`<p class="notice" role="status">${session.reason}</p>` : nothing}
        ${this.signInError ? html`<p class="error" role="alert">${this.signInError}</p>` : nothing}
        <button type="submit">Sign in</button>
      </form>
    </main>`;
  }

  private renderView() {
    switch (this.view) {
      case 'events':
        return html`<ieh-events></ieh-events>`;
      case 'bindings':
        return html`<ieh-bindings></ieh-bindings>`;
      case 'policies':
        return html`<ieh-policies></ieh-policies>`;
      case 'deliveries':
        return html`<ieh-deliveries></ieh-deliveries>`;
      case 'counters':
        return html`<ieh-counters></ieh-counters>`;
      case 'connectors':
        return html`<ieh-connectors></ieh-connectors>`;
      case 'rules':
        return html`<ieh-rules></ieh-rules>`;
    }
  }

  override render() {
    const loading = html`<div class="loading ${this.busy ? 'on' : ''}" role="status" aria-live="polite">
      ${this.busy ? html`<span class="spinner" aria-hidden="true"></span> Loading…` : nothing}
    </div>`;
    if (!session.token) return html`${loading}${this.renderSignIn()}`;
    return html`<a class="skip" href="#main" @click=${(e: Event) => {
      e.preventDefault();
      this.querySelector<HTMLElement>('#main')?.focus();
    }}>Skip to content</a>
      <header class="top">
        <span class="brand">idp-event-hub</span>
        <nav aria-label="Console sections">
          <ul>
            ${navigation.map(
              (item) => html`<li>
                <a href="#${item.view}" aria-current=${this.view === item.view ? 'page' : 'false'}>${item.label}</a>
                ${can(item.action) ? nothing : html`<span class="lacking">(no ${item.action})</span>`}
              </li>`,
            )}
          </ul>
        </nav>
        <button type="button" class="secondary" @click=${() => session.signOut('You signed out.')}>Sign out</button>
      </header>
      ${loading}
      <main id="main" tabindex="-1">${this.renderView()}</main>`;
  }
}
