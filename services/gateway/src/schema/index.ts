// The schema: imports only (each file registers its types on the builder).
import { builder } from './builder.js';
import './errors.js';
import './run.js';
import './task.js';
import './topology.js';
import './start-run.js';
import './control-run.js';
import './subscriptions.js';

export const schema = builder.toSchema();
