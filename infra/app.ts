// The cdk.json entry: `cdk synth -c env=NAME` builds the stack IdpEventHub-NAME.
import { buildApp } from './build-app.ts';

buildApp().app.synth();
