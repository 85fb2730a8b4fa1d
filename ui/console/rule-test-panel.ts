// <ieh-rule-test>: replays stored events through a detection rule (POST /rules/{uuid}/test/) over
// a created__gte/created__lt range and shows the groups that would have fired, each fire's count
// and time. The replay reads the event log, so it needs auditlog_read: said before any request.
// It says `close` to the view holding it.
import { html, nothing } from 'lit';
import { api, can } from './api.ts';
import { ConsoleElement, errorBox, formatTime, lacking, text } from './base.ts';
import type { Rule } from './detection-rule.ts';
import { describedBy, type FieldErrors, fieldError, invalid, splitErrors } from './field-errors.ts';

interface TestAnswer {
  created__gte: string;
  created__lt: string;
  matched: number;
  groups: { group: Record<string, unknown>; counts: number[]; fired_at: string[] }[];
}

const replay = 'auditlog_read';
const prefix = 'rule-test';
const rangeFields = ['created__gte', 'created__lt'];

/** datetime-local value (local time) → ISO 8601 UTC for the API; anything else as typed. */
function isoOf(value: string): string {
  const date = new Date(value);
  return /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(value) && !Number.isNaN(date.valueOf()) ? date.toISOString() : value;
}

/** A group as its paths and values, each value as JSON text (a string quoted, an object as its JSON). */
function groupText(group: unknown): string {
  if (group === null || typeof group !== 'object' || Array.isArray(group)) return text(group);
  const entries = Object.entries(group);
  if (entries.length === 0) return 'all matching events (no group_by)';
  return entries
    .map(([path, value]) => `${path} = ${value === undefined ? 'null' : text(JSON.stringify(value))}`)
    .join(', ');
}

export class RuleTestPanel extends ConsoleElement {
  static override properties = {
    rule: { attribute: false },
    answer: { state: true },
    error: { state: true },
    fieldErrors: { state: true },
  };
  declare rule: Rule | null;
  declare answer: TestAnswer | null;
  declare error: unknown;
  declare fieldErrors: FieldErrors;

  constructor() {
    super();
    this.rule = null;
    this.answer = null;
    this.error = null;
    this.fieldErrors = new Map();
  }

  protected override firstUpdated() {
    this.querySelector<HTMLElement>('#rule-test-heading')?.focus();
  }

  private async run(event: SubmitEvent) {
    event.preventDefault();
    const rule = this.rule;
    if (!rule) return;
    const data = new FormData(event.target as HTMLFormElement);
    const body: Record<string, string> = {};
    for (const name of rangeFields) {
      const typed = String(data.get(name) ?? '').trim();
      if (typed) body[name] = isoOf(typed);
    }
    this.answer = null;
    this.error = null;
    this.fieldErrors = new Map();
    try {
      this.answer = (await api('POST', `/rules/${encodeURIComponent(rule.pk)}/test/`, { json: body })).body;
    } catch (error) {
      const { fields, rest } = splitErrors(error, rangeFields, 'The range was refused: see the field marked above.');
      this.fieldErrors = fields;
      this.error = rest;
    }
  }

  private renderAnswer(answer: TestAnswer) {
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

  private range(name: string, label: string) {
    const errors = this.fieldErrors;
    return html`<div class="field">
      <label for="${prefix}-${name}">${label}</label>
      <input id="${prefix}-${name}" name=${name} type="datetime-local" step="1"
        aria-describedby=${describedBy(errors, prefix, name, 'rule-test-range-hint')} aria-invalid=${invalid(errors, name)} />
      ${fieldError(errors, prefix, name)}
    </div>`;
  }

  override render() {
    const rule = this.rule;
    if (!rule) return nothing;
    return html`<section class="panel" aria-labelledby="rule-test-heading">
      <h2 id="rule-test-heading" tabindex="-1">Test "${text(rule.name)}" on stored events</h2>
      <p id="rule-test-range-hint" class="hint">
        Replays the stored events of a range (in this browser's time zone; at most 7 days; empty: the last ten windows)
        through the rule, from an empty start, and shows the groups that would have fired (times in UTC). Nothing is
        recorded.
      </p>
      ${
        can(replay)
          ? nothing
          : html`<p class="error" role="alert">
            Testing reads the event log, so it needs the policy action ${replay}, which your admin lacks. Ask for it to be
            granted.
          </p>`
      }
      <form @submit=${this.run} novalidate>
        <div class="fields">${this.range('created__gte', 'From (created__gte)')} ${this.range('created__lt', 'Before (created__lt)')}</div>
        ${errorBox(this.error)}
        ${this.answer ? this.renderAnswer(this.answer) : nothing}
        <div class="buttons">
          <button type="submit" ?disabled=${!can(replay)}>Run test</button>
          <button type="button" class="secondary" @click=${() => this.dispatchEvent(new Event('close'))}>Close</button>
          ${lacking(replay)}
        </div>
      </form>
    </section>`;
  }
}
