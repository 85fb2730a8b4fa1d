// <ieh-bindings>: the privacyIDEA event handler bindings. The form is built from the module
// descriptors the API serves (actions and their options, conditions, positions), so a new
// handler module needs no console change. Edits PATCH with If-Match; a 412 says who won.
import { html, nothing } from 'lit';
import { ApiError, api, can, piValue } from './api.ts';
import { confirmStep, errorBox, LoadedView, lacking, notice, text } from './base.ts';

interface Binding {
  id: number;
  name: string;
  active: boolean;
  ordering: number;
  position: string;
  action: string;
  event: string[];
  handlermodule: string;
  options: Record<string, string>;
  conditions: Record<string, string>;
}

interface OptionDescriptor {
  type: string;
  required?: boolean;
  description?: string;
  value?: unknown[];
}

interface ConditionDescriptor {
  type: string;
  desc?: string;
  group?: string;
}

interface Descriptors {
  actions: Record<string, Record<string, OptionDescriptor>>;
  conditions: Record<string, ConditionDescriptor>;
  positions: string[];
}

const write = 'eventhandling_write';
const trueWords = new Set(['true', 'True', '1']);

export class BindingsView extends LoadedView {
  static override properties = {
    bindings: { state: true },
    error: { state: true },
    message: { state: true },
    editing: { state: true },
    formError: { state: true },
    conflict: { state: true },
    modules: { state: true },
    available: { state: true },
    module: { state: true },
    action: { state: true },
    descriptors: { state: true },
  };
  declare bindings: Binding[] | null;
  declare error: unknown;
  declare message: string;
  /** The binding in the form: 'new', or the one read for editing with its ETag. */
  declare editing: 'new' | { binding: Binding; etag: string } | null;
  declare formError: unknown;
  declare conflict: boolean;
  declare modules: string[];
  declare available: string[];
  declare module: string;
  declare action: string;
  declare descriptors: Descriptors | null;

  constructor() {
    super();
    this.bindings = null;
    this.error = null;
    this.message = '';
    this.editing = null;
    this.formError = null;
    this.conflict = false;
    this.modules = [];
    this.available = [];
    this.module = '';
    this.action = '';
    this.descriptors = null;
  }

  protected async load() {
    try {
      this.bindings = await piValue<Binding[]>('GET', '/event/');
      this.error = null;
    } catch (error) {
      this.error = error;
    }
  }

  /** Shows the module's fields; none while they load, so a save cannot drop their values. */
  private async describe(module: string) {
    this.module = module;
    this.descriptors = null;
    const descriptors = await this.descriptorsOf(module);
    if (this.module !== module) return;
    this.descriptors = descriptors;
    const names = Object.keys(descriptors?.actions ?? {});
    if (!names.includes(this.action)) this.action = names[0] ?? '';
  }

  private async descriptorsOf(module: string): Promise<Descriptors | null> {
    if (!module) return null;
    const path = encodeURIComponent(module);
    const [actions, conditions, positions] = await Promise.all([
      piValue('GET', `/event/actions/${path}`),
      piValue('GET', `/event/conditions/${path}`),
      piValue('GET', `/event/positions/${path}`),
    ]);
    // An unknown module answers [] for each.
    return {
      actions: Array.isArray(actions) ? {} : actions,
      conditions: Array.isArray(conditions) ? {} : conditions,
      positions,
    } as Descriptors;
  }

  private async open(target: 'new' | Binding) {
    this.formError = null;
    this.conflict = false;
    this.message = '';
    try {
      if (this.modules.length === 0) {
        [this.modules, this.available] = await Promise.all([
          piValue<string[]>('GET', '/event/handlermodules'),
          piValue<string[]>('GET', '/event/available'),
        ]);
      }
      if (target === 'new') {
        this.editing = 'new';
        this.action = '';
        await this.describe(this.modules.includes('WebHook') ? 'WebHook' : (this.modules[0] ?? ''));
      } else {
        const answer = await api('GET', `/event/${target.id}`);
        const binding = answer.body.result.value[0] as Binding;
        // The form appears with its fields and the version they belong to at once.
        const descriptors = await this.descriptorsOf(binding.handlermodule);
        this.editing = { binding, etag: answer.headers.get('etag') ?? '' };
        this.module = binding.handlermodule;
        this.action = binding.action;
        this.descriptors = descriptors;
      }
      await this.updateComplete;
      this.querySelector<HTMLElement>('#binding-form-heading')?.focus();
    } catch (error) {
      this.error = error;
    }
  }

  private close() {
    this.editing = null;
    this.descriptors = null;
  }

  /** The form's fields as the binding's parts. */
  private collect(form: HTMLFormElement) {
    const data = new FormData(form);
    const text = (name: string) => String(data.get(name) ?? '').trim();
    const events = [
      ...data.getAll('event').map(String),
      ...text('event_other')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ];
    const options: Record<string, string> = {};
    const descriptor = this.descriptors?.actions[this.action] ?? {};
    for (const [name, option] of Object.entries(descriptor)) {
      const value = option.type === 'bool' ? (data.get(`option.${name}`) ? 'True' : '') : text(`option.${name}`);
      if (value) options[name] = value;
    }
    const conditions: Record<string, string> = {};
    for (const name of Object.keys(this.descriptors?.conditions ?? {})) {
      const value = text(`condition.${name}`);
      if (value) conditions[name] = value;
    }
    return {
      name: text('name'),
      event: [...new Set(events)],
      handlermodule: this.module,
      action: this.action,
      position: text('position'),
      ordering: text('ordering') || '0',
      active: data.get('active') === 'on',
      options,
      conditions,
    };
  }

  private async save(event: SubmitEvent) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const editing = this.editing;
    if (!editing) return;
    const parts = this.collect(form);
    this.formError = null;
    this.conflict = false;
    if (!parts.name) {
      this.formError = new Error('Give the binding a name.');
      return;
    }
    if (parts.event.length === 0) {
      this.formError = new Error('Choose at least one event.');
      return;
    }
    try {
      if (editing === 'new') {
        const params: Record<string, unknown> = {
          name: parts.name,
          event: parts.event.join(','),
          handlermodule: parts.handlermodule,
          action: parts.action,
          position: parts.position,
          ordering: parts.ordering,
          active: parts.active,
          conditions: parts.conditions,
        };
        for (const [name, value] of Object.entries(parts.options)) params[`option.${name}`] = value;
        const id = await piValue<number>('POST', '/event', { json: params });
        this.message = `Binding ${id} ("${parts.name}") created.`;
      } else {
        const before = editing.binding;
        // PATCH merges maps: a key left empty is sent as null to remove it.
        const removed = (old: Record<string, string>, next: Record<string, string>) =>
          Object.fromEntries(
            Object.keys(old)
              .filter((k) => !(k in next))
              .map((k) => [k, null]),
          );
        const patch = {
          name: parts.name,
          event: parts.event,
          handlermodule: parts.handlermodule,
          action: parts.action,
          position: parts.position,
          ordering: parts.ordering,
          active: parts.active,
          options: { ...removed(before.options, parts.options), ...parts.options },
          conditions: { ...removed(before.conditions, parts.conditions), ...parts.conditions },
        };
        await api('PATCH', `/event/${before.id}`, { json: patch, headers: { 'if-match': editing.etag } });
        this.message = `Binding ${before.id} ("${parts.name}") saved.`;
      }
      this.close();
      await this.load();
    } catch (error) {
      if (error instanceof ApiError && error.status === 412) {
        this.conflict = true;
        // The list shows the other admin's version too.
        void this.load();
      }
      this.formError = error;
    }
  }

  private async toggle(binding: Binding) {
    this.message = '';
    try {
      await piValue('POST', `/event/${binding.active ? 'disable' : 'enable'}/${binding.id}`);
      this.message = `Binding ${binding.id} ("${binding.name}") ${binding.active ? 'disabled' : 'enabled'}.`;
      await this.load();
    } catch (error) {
      this.error = error;
    }
  }

  private async deleteBinding(binding: Binding) {
    this.message = '';
    if (!(await confirmStep(`Delete binding ${binding.id} ("${binding.name}")? This cannot be undone.`, 'Delete')))
      return;
    try {
      await piValue('DELETE', `/event/${binding.id}`);
      this.message = `Binding ${binding.id} ("${binding.name}") deleted.`;
      await this.load();
    } catch (error) {
      this.error = error;
    }
  }

  private renderOption(name: string, option: OptionDescriptor, current: string | undefined) {
    const id = `option-${name.replace(/\W/g, '_')}`;
    const hint = option.description ? html`<p class="hint" id="${id}-hint">${option.description}</p>` : nothing;
    const label = html`<label for=${id}>${name}${option.required ? html` <span aria-hidden="true">*</span>` : nothing}</label>`;
    if (option.type === 'bool') {
      return html`<div class="field check">
        <input id=${id} name="option.${name}" type="checkbox" ?checked=${current !== undefined && trueWords.has(current)}
          aria-describedby="${id}-hint" />
        ${label} ${hint}
      </div>`;
    }
    if (Array.isArray(option.value) && option.value.length > 0 && option.value.every((v) => typeof v === 'string')) {
      return html`<div class="field">
        ${label}
        <select id=${id} name="option.${name}" ?required=${option.required} aria-describedby="${id}-hint">
          ${option.required ? nothing : html`<option value="">(none)</option>`}
          ${(option.value as string[]).map((v) => html`<option ?selected=${current === v}>${v}</option>`)}
        </select>
        ${hint}
      </div>`;
    }
    if (option.type === 'text') {
      return html`<div class="field wide">
        ${label}
        <textarea id=${id} name="option.${name}" rows="3" ?required=${option.required} aria-describedby="${id}-hint"
          .value=${current ?? ''}></textarea>
        ${hint}
      </div>`;
    }
    return html`<div class="field">
      ${label}
      <input id=${id} name="option.${name}" type="text" ?required=${option.required} aria-describedby="${id}-hint"
        .value=${current ?? ''} />
      ${hint}
    </div>`;
  }

  private renderForm() {
    const editing = this.editing;
    if (!editing) return nothing;
    const binding = editing === 'new' ? null : editing.binding;
    const d = this.descriptors;
    const events = binding?.event ?? [];
    const other = events.filter((e) => !this.available.includes(e)).join(', ');
    const heading = binding ? `Edit binding ${binding.id}` : 'New binding';
    return html`<section class="panel" aria-labelledby="binding-form-heading">
      <h2 id="binding-form-heading" tabindex="-1">${heading}</h2>
      <form @submit=${this.save} novalidate>
        <div class="fields">
          <div class="field">
            <label for="binding-name">Name</label>
            <input id="binding-name" name="name" type="text" required .value=${binding?.name ?? ''} />
          </div>
          <div class="field">
            <label for="binding-module">Handler module</label>
            <select id="binding-module" name="handlermodule" @change=${(e: Event) => this.describe((e.target as HTMLSelectElement).value)}>
              ${this.modules.map((m) => html`<option ?selected=${m === this.module}>${m}</option>`)}
            </select>
          </div>
          <div class="field">
            <label for="binding-action">Action</label>
            <select id="binding-action" name="action" @change=${(e: Event) => {
              this.action = (e.target as HTMLSelectElement).value;
            }}>
              ${Object.keys(d?.actions ?? {}).map((a) => html`<option ?selected=${a === this.action}>${a}</option>`)}
            </select>
          </div>
          <div class="field">
            <label for="binding-position">Position</label>
            <select id="binding-position" name="position">
              ${(d?.positions ?? []).map(
                (p) => html`<option ?selected=${p === (binding?.position ?? d?.positions.at(-1))}>${p}</option>`,
              )}
            </select>
          </div>
          <div class="field">
            <label for="binding-ordering">Ordering</label>
            <input id="binding-ordering" name="ordering" type="number" min="0" step="1" class="short"
              .value=${String(binding?.ordering ?? 0)} />
          </div>
          <div class="field check">
            <input id="binding-active" name="active" type="checkbox" ?checked=${binding?.active ?? true} />
            <label for="binding-active">Active</label>
          </div>
        </div>
        <fieldset>
          <legend>Events</legend>
          <div class="checks">
            ${this.available
              .filter((name) => name !== 'custom_')
              .map(
                (name) => html`<span class="check">
                  <input id="event-${name}" type="checkbox" name="event" value=${name} ?checked=${events.includes(name)} />
                  <label for="event-${name}">${name}</label>
                </span>`,
              )}
          </div>
          <div class="field">
            <label for="binding-event-other">Other events (comma-separated, e.g. custom_…)</label>
            <input id="binding-event-other" name="event_other" type="text" .value=${other} />
          </div>
        </fieldset>
        ${
          d && this.action
            ? html`<fieldset>
              <legend>Options of ${this.action}</legend>
              <div class="fields">
                ${Object.entries(d.actions[this.action] ?? {}).map(([name, option]) =>
                  this.renderOption(name, option, binding?.options[name]),
                )}
              </div>
            </fieldset>`
            : nothing
        }
        ${
          d
            ? html`<fieldset>
              <legend>Conditions (all optional)</legend>
              <div class="fields">
                ${Object.entries(d.conditions).map(
                  ([name, condition]) => html`<div class="field">
                    <label for="condition-${name}">${name}</label>
                    <input id="condition-${name}" name="condition.${name}" type="text"
                      aria-describedby="condition-${name}-hint" .value=${binding?.conditions[name] ?? ''} />
                    <p class="hint" id="condition-${name}-hint">${condition.desc ?? ''}</p>
                  </div>`,
                )}
              </div>
            </fieldset>`
            : nothing
        }
        ${errorBox(this.formError)}
        ${
          this.conflict
            ? html`<p class="error" role="alert">
              Someone else changed this binding after you opened it, so your change was not saved.
              <button type="button" class="secondary" @click=${() => binding && this.open(binding)}>Load their version</button>
            </p>`
            : nothing
        }
        <div class="buttons">
          <button type="submit" ?disabled=${!can(write) || (this.module !== '' && !this.descriptors)}>${binding ? 'Save changes' : 'Create binding'}</button>
          <button type="button" class="secondary" @click=${() => this.close()}>Cancel</button>
          ${lacking(write)}
        </div>
      </form>
    </section>`;
  }

  override render() {
    const canWrite = can(write);
    return html`<h1>Bindings</h1>
      ${notice(this.message)} ${errorBox(this.error)}
      <div class="buttons">
        <button type="button" ?disabled=${!canWrite} @click=${() => this.open('new')}>New binding</button>
        ${lacking(write)}
      </div>
      ${this.renderForm()}
      ${
        this.bindings
          ? this.bindings.length === 0
            ? html`<p>No bindings yet.</p>`
            : html`<div class="table-wrap" tabindex="0" role="region" aria-label="Bindings">
              <table>
                <thead>
                  <tr><th scope="col">Id</th><th scope="col">Name</th><th scope="col">Events</th><th scope="col">Module</th>
                    <th scope="col">Action</th><th scope="col">Position</th><th scope="col">Active</th>
                    <th scope="col">Ordering</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr>
                </thead>
                <tbody>
                  ${this.bindings.map(
                    (b) => html`<tr>
                      <td>${text(b.id)}</td><td>${text(b.name)}</td><td>${[b.event]
                        .flat()
                        .map((name) => text(name))
                        .join(', ')}</td><td>${text(b.handlermodule)}</td>
                      <td>${text(b.action)}</td><td>${text(b.position)}</td><td>${b.active ? 'yes' : 'no'}</td><td>${text(b.ordering)}</td>
                      <td class="row-actions">
                        <button type="button" class="secondary" @click=${() => this.open(b)} aria-label="Edit ${b.name}">Edit</button>
                        <button type="button" class="secondary" ?disabled=${!canWrite} @click=${() => this.toggle(b)}
                          aria-label="${b.active ? 'Disable' : 'Enable'} ${b.name}">${b.active ? 'Disable' : 'Enable'}</button>
                        <button type="button" class="danger" ?disabled=${!canWrite} @click=${() => this.deleteBinding(b)}
                          aria-label="Delete ${b.name}">Delete</button>
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
