// The query language (AKQL, lib/query/) in a few lines, for any form that takes a `query`: the
// event list's `search`, a matcher policy's and a detection rule's query are one language.
import { html } from 'lit';

/** A closed <details> under a query field; `id` is the hint's, for the field's aria-describedby. */
export function queryHelp(id: string) {
  return html`<details>
    <summary id=${id}>Query language: <span class="mono">name op value</span>, as the Events view's Search</summary>
    <ul>
      <li>Fields: <span class="mono">action</span>, <span class="mono">app</span>, <span class="mono">client_ip</span>,
        <span class="mono">created</span>, <span class="mono">event_uuid</span>, and dotted JSON keys under
        <span class="mono">user</span>, <span class="mono">context</span>, <span class="mono">brand</span>
        (<span class="mono">user.username</span>, <span class="mono">context.geo.country</span>).</li>
      <li>Operators: <span class="mono">= != &gt; &gt;= &lt; &lt;=</span>, <span class="mono">~</span> (contains),
        <span class="mono">!~</span>, <span class="mono">startswith</span>, <span class="mono">endswith</span>,
        <span class="mono">in ("a", "b")</span> and their <span class="mono">not</span> forms; values
        <span class="mono">"text"</span>, numbers, <span class="mono">True</span>, <span class="mono">False</span>,
        <span class="mono">None</span> (a missing key is None).</li>
      <li><span class="mono">client_ip in cidr("10.0.0.0/8", "2001:db8::/32")</span> matches networks.</li>
      <li><span class="mono">and</span> and <span class="mono">or</span> have one precedence and group to the right
        (<span class="mono">a and b or c</span> is <span class="mono">a and (b or c)</span>): write parentheses.</li>
      <li>Example: <span class="mono">action = "login_failed" and app = "authentik.core"</span>. A query that does not
        parse is refused when saved.</li>
    </ul>
  </details>`;
}
