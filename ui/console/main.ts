// The admin console's entry: registers its elements; the page (ui/serve.ts) holds <ieh-console>.
import './console.css';
import { ConsoleApp } from './app.ts';
import { BindingsView } from './bindings-view.ts';
import { ConnectorsView } from './connectors-view.ts';
import { CountersView, DeliveriesView } from './deliveries-view.ts';
import { EventsView } from './events-view.ts';
import { PoliciesView } from './policies-view.ts';
import { RuleForm } from './rule-form.ts';
import { RuleTestPanel } from './rule-test-panel.ts';
import { RulesView } from './rules-view.ts';

customElements.define('ieh-events', EventsView);
customElements.define('ieh-bindings', BindingsView);
customElements.define('ieh-policies', PoliciesView);
customElements.define('ieh-deliveries', DeliveriesView);
customElements.define('ieh-counters', CountersView);
customElements.define('ieh-connectors', ConnectorsView);
customElements.define('ieh-rules', RulesView);
customElements.define('ieh-rule-form', RuleForm);
customElements.define('ieh-rule-test', RuleTestPanel);
customElements.define('ieh-console', ConsoleApp);
