// Light DOM components: one stylesheet (console.css) styles them all, and labels, focus order
// and axe-core see one document.
import { html, LitElement, nothing, type TemplateResult } from 'lit';
import { can, consoleEvents, errorText } from './api.ts';
import { readHash, type View } from './hash.ts';

export class ConsoleElement extends LitElement {
  private readonly onDenied = () => this.requestUpdate();

  override createRenderRoot() {
    return this;
  }

  override connectedCallback() {
    super.connectedCallback();
    consoleEvents.addEventListener('denied', this.onDenied);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    consoleEvents.removeEventListener('denied', this.onDenied);
  }

  // Narrow screens show each row as a card: every cell is labelled with its column's header.
  protected override updated() {
    for (const table of this.querySelectorAll('table')) {
      const headers = [...table.querySelectorAll('thead th')].map((th) => th.textContent?.trim() ?? '');
      for (const row of table.querySelectorAll('tbody tr')) {
        [...row.children].forEach((cell, i) => {
          if (headers[i] && cell.getAttribute('data-label') !== headers[i]) cell.setAttribute('data-label', headers[i]);
        });
      }
    }
  }
}

/** A view that loads what it shows as it is put on the page (and again after a change). */
export abstract class LoadedView extends ConsoleElement {
  override connectedCallback() {
    super.connectedCallback();
    void this.load();
  }

  protected abstract load(): Promise<void>;
}

/** A view whose filters live in the URL's hash: it follows every change of its own view's hash while on the page. */
export abstract class HashView extends ConsoleElement {
  protected abstract readonly view: View;
  /** The filters last read from the hash (each view declares it a reactive property). */
  declare params: Record<string, string>;
  private readonly onHash = () => this.fromHash();

  override connectedCallback() {
    super.connectedCallback();
    window.addEventListener('hashchange', this.onHash);
    this.fromHash();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    window.removeEventListener('hashchange', this.onHash);
  }

  private fromHash() {
    const { view, params } = readHash();
    if (view !== this.view) return;
    this.params = Object.fromEntries(params);
    this.showHash();
  }

  /** Shows what `params` now ask for. */
  protected abstract showHash(): void;
}

/** A failure in words, announced to screen readers. */
export function errorBox(error: unknown): TemplateResult | typeof nothing {
  if (!error) return nothing;
  return html`<p class="error" role="alert">${errorText(error)}</p>`;
}

export function notice(text: string): TemplateResult | typeof nothing {
  if (!text) return nothing;
  return html`<p class="notice" role="status">${text}</p>`;
}

/** Why a control is disabled, for a policy action a 403 showed missing. */
export function lacking(action: string): TemplateResult | typeof nothing {
  return can(action) ? nothing : html`<span class="lacking">(needs ${action})</span>`;
}

/** Asks before a destructive step, in a modal <dialog> (Escape cancels, focus returns). */
export function confirmStep(question: string, confirmLabel: string): Promise<boolean> {
  const dialog = document.createElement('dialog');
  dialog.setAttribute('aria-labelledby', 'confirm-question');
  const text = document.createElement('p');
  text.id = 'confirm-question';
  text.textContent = question;
  const form = document.createElement('form');
  form.method = 'dialog';
  const cancel = document.createElement('button');
  cancel.value = 'cancel';
  cancel.textContent = 'Cancel';
  const ok = document.createElement('button');
  ok.value = 'confirm';
  ok.className = 'danger';
  ok.textContent = confirmLabel;
  form.append(cancel, ok);
  dialog.append(text, form);
  const opener = document.activeElement as HTMLElement | null;
  document.body.append(dialog);
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      resolve(dialog.returnValue === 'confirm');
      dialog.remove();
      opener?.focus();
    });
    dialog.showModal();
    cancel.focus();
  });
}

/**
 * Any value from the API as text: a string as it is, a number or boolean as written, an object or
 * list as its JSON, none as `empty`. Never handed to Lit as it is: an object shaped like one of
 * Lit's templates (`_$litType$`) would be rendered as a template (issue 25 item 7).
 */
export function text(value: unknown, empty = '–'): string {
  if (value === undefined || value === null) return empty;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  try {
    return JSON.stringify(value) ?? empty;
  } catch {
    return empty;
  }
}

export const formatTime = (iso: string | null | undefined) =>
  iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '–';
