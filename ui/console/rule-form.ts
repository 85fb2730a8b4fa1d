// <ieh-rule-form>: a detection rule's create or edit form, every field of the API's rule: the
// query with the query language's help, `field` only for value_count, up to 3 group_by paths.
// A 400's messages show under the fields they name; it says `saved` (detail: what to announce)
// or `cancel` to the view holding it.
import { html, nothing, type PropertyValues } from 'lit';
import { api, can } from './api.ts';
import { ConsoleElement, errorBox, lacking, text } from './base.ts';
import type { Rule } from './detection-rule.ts';
import { describedBy, type FieldErrors, fieldError, invalid, splitErrors } from './field-errors.ts';
import { queryHelp } from './query-help.ts';

const write = 'eventhandling_write';
const prefix = 'rule';
// The choices and bounds lib/rules/rule.ts declares (the console imports no lib/): hints and
// input limits only, the API checks them.
const types = ['event_count', 'value_count'];
const severities = ['notice', 'warning', 'alert'];
const groupSlots = [0, 1, 2];
/** The fields a 400 may name. */
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

/**
 * An edit's PATCH body: the fields the admin changed from the rule as the form opened it, so a
 * field someone else changed meanwhile is kept (the API takes no If-Match for rules). A cleared
 * field is sent as null, which the API refuses by name.
 */
function changesOf(rule: Rule, body: Record<string, unknown>): Record<string, unknown> {
  const opened = new Map<string, unknown>(Object.entries(rule));
  return Object.fromEntries(
    Object.entries(body)
      .map(([name, value]) => [name, value === undefined ? null : value] as const)
      .filter(([name, value]) => JSON.stringify(value) !== JSON.stringify(opened.get(name) ?? null)),
  );
}

type Control = (attributes: { describedBy: string | typeof nothing; invalid: 'true' | 'false' }) => unknown;

export class RuleForm extends ConsoleElement {
  static override properties = {
    rule: { attribute: false },
    type: { state: true },
    error: { state: true },
    fieldErrors: { state: true },
    saving: { state: true },
  };
  /** The rule edited; null for a new one. */
  declare rule: Rule | null;
  /** The type the form shows: `field` is asked for value_count only. */
  declare type: string;
  declare error: unknown;
  declare fieldErrors: FieldErrors;
  /** A save in flight: one click makes one rule. */
  declare saving: boolean;

  constructor() {
    super();
    this.rule = null;
    this.type = 'event_count';
    this.error = null;
    this.fieldErrors = new Map();
    this.saving = false;
  }

  protected override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('rule')) this.type = this.rule ? text(this.rule.type) : 'event_count';
  }

  protected override firstUpdated() {
    this.querySelector<HTMLElement>('#rule-form-heading')?.focus();
  }

  private async save(event: SubmitEvent) {
    event.preventDefault();
    if (this.saving) return;
    const rule = this.rule;
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
    this.error = null;
    this.fieldErrors = new Map();
    const changes = rule ? changesOf(rule, body) : body;
    if (rule && Object.keys(changes).length === 0) {
      // Nothing to write (a PATCH of nothing would still be audited as a change).
      const message = `Rule "${text(rule.name)}" unchanged: nothing was edited.`;
      this.dispatchEvent(new CustomEvent('saved', { detail: { message, rule } }));
      return;
    }
    this.saving = true;
    try {
      const answer = rule
        ? await api('PATCH', `/rules/${encodeURIComponent(rule.pk)}/`, { json: changes })
        : await api('POST', '/rules/', { json: body });
      const saved = answer.body as Rule;
      const message = `Rule "${text(saved?.name)}" ${rule ? 'saved' : 'created'}.`;
      this.dispatchEvent(new CustomEvent('saved', { detail: { message, rule: saved } }));
    } catch (error) {
      const { fields, rest } = splitErrors(error, ruleFields, 'Nothing was saved: correct the fields marked above.');
      this.fieldErrors = fields;
      this.error = rest;
    } finally {
      this.saving = false;
    }
  }

  /** A labelled control with its hint and its message. */
  private field(name: string, label: string, control: Control, hint = '') {
    const errors = this.fieldErrors;
    const hintId = `${prefix}-${name}-hint`;
    return html`<div class="field">
      <label for="${prefix}-${name}">${label}</label>
      ${control({
        describedBy: describedBy(errors, prefix, name, ...(hint ? [hintId] : [])),
        invalid: invalid(errors, name),
      })}
      ${hint ? html`<p class="hint" id=${hintId}>${hint}</p>` : nothing}
      ${fieldError(errors, prefix, name)}
    </div>`;
  }

  private number(name: string, label: string, value: unknown, hint: string, bounds: [number, number]) {
    return this.field(
      name,
      label,
      (a) =>
        html`<input id="${prefix}-${name}" name=${name} type="number" inputmode="numeric" step="1" min=${bounds[0]}
          max=${bounds[1]} .value=${text(value, '')} aria-describedby=${a.describedBy} aria-invalid=${a.invalid} />`,
      hint,
    );
  }

  override render() {
    const rule = this.rule;
    const errors = this.fieldErrors;
    const groupBy = Array.isArray(rule?.group_by) ? rule.group_by : [];
    return html`<section class="panel" aria-labelledby="rule-form-heading">
      <h2 id="rule-form-heading" tabindex="-1">${rule ? `Edit rule "${text(rule.name)}"` : 'New detection rule'}</h2>
      <form @submit=${this.save} novalidate>
        <div class="fields">
          ${this.field(
            'name',
            'Name',
            (a) =>
              html`<input id="rule-name" name="name" type="text" autocomplete="off" required .value=${text(rule?.name, '')}
                aria-describedby=${a.describedBy} aria-invalid=${a.invalid} />`,
          )}
          <div class="field check">
            <input id="rule-enabled" name="enabled" type="checkbox" ?checked=${rule ? rule.enabled === true : true}
              aria-describedby=${describedBy(errors, prefix, 'enabled', 'rule-enabled-hint')} />
            <label for="rule-enabled">Enabled</label>
            <p class="hint" id="rule-enabled-hint">Counts events as they arrive; a disabled rule can still be tested.</p>
            ${fieldError(errors, prefix, 'enabled')}
          </div>
          <div class="field wide">
            <label for="rule-query">Query: the events counted</label>
            <textarea id="rule-query" name="query" rows="3" spellcheck="false" required .value=${text(rule?.query, '')}
              placeholder='action = "login_failed"' aria-describedby=${describedBy(errors, prefix, 'query', 'rule-query-help')}
              aria-invalid=${invalid(errors, 'query')}></textarea>
            ${fieldError(errors, prefix, 'query')}
            ${queryHelp('rule-query-help')}
          </div>
          ${this.field(
            'type',
            'Type',
            (a) =>
              html`<select id="rule-type" name="type" aria-describedby=${a.describedBy} aria-invalid=${a.invalid}
                @change=${(e: Event) => {
                  this.type = (e.target as HTMLSelectElement).value;
                }}>
                ${types.map((t) => html`<option value=${t} ?selected=${this.type === t}>${t}</option>`)}
              </select>`,
            'event_count counts the matching events, value_count the distinct values of a field.',
          )}
          ${
            this.type === 'value_count'
              ? this.field(
                  'field',
                  'Field counted distinct',
                  (a) =>
                    html`<input id="rule-field" name="field" type="text" spellcheck="false" .value=${text(rule?.field, '')}
                      placeholder="client_ip" aria-describedby=${a.describedBy} aria-invalid=${a.invalid} />`,
                  'A path as a query names it; an event without it is not counted.',
                )
              : nothing
          }
          ${this.number('window', 'Window (seconds)', rule?.window ?? 600, '10 to 86 400.', [10, 86_400])}
          ${this.number('threshold', 'Threshold', rule?.threshold ?? 10, 'Fires when the count reaches it (1 or more).', [1, 1_000_000])}
          ${this.number(
            'suppress_for',
            'Suppress for (seconds)',
            rule?.suppress_for ?? 0,
            'After a fire the group stays quiet this long (0 to 604 800).',
            [0, 604_800],
          )}
          ${this.field(
            'severity',
            'Severity',
            (a) =>
              html`<select id="rule-severity" name="severity" aria-describedby=${a.describedBy} aria-invalid=${a.invalid}>
                ${severities.map((s) => html`<option value=${s} ?selected=${(rule ? text(rule.severity) : 'warning') === s}>${s}</option>`)}
              </select>`,
          )}
        </div>
        <fieldset aria-describedby=${describedBy(errors, prefix, 'group_by', 'rule-group_by-hint')}>
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
                  .value=${text(groupBy[i], '')} aria-invalid=${invalid(errors, 'group_by')} />
              </div>`,
            )}
          </div>
          ${fieldError(errors, prefix, 'group_by')}
        </fieldset>
        ${errorBox(this.error)}
        <div class="buttons">
          <button type="submit" ?disabled=${!can(write) || this.saving}>${rule ? 'Save changes' : 'Create rule'}</button>
          <button type="button" class="secondary" @click=${() => this.dispatchEvent(new Event('cancel'))}>Cancel</button>
          ${lacking(write)}
        </div>
      </form>
    </section>`;
  }
}
