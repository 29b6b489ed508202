// The schema: imports only (each file registers its types and fields on the builder).
import { builder } from './builder.js';
import './errors.js';
import './pagination.js';
import './task.js';
import './topology.js';
import './run-event.js';
import './overload.js';
import './run.js';
import './run-progress.js';
import './worker.js';
import './start-run.js';
import './cancel-run.js';
import './retry-failed-tasks.js';
import './retry-tasks.js';
import './compare-runs.js';

export const schema = builder.toSchema();
