import { builder } from './builder.js';

/** A typed error a client can act on: what is wrong, and with which input field. */
export type UserError = { __typename: string; message: string; field: string };

export const ErrorInterface = builder.interfaceRef<UserError>('Error').implement({
  description: 'Something the client can fix: `field` names the offending argument or input field.',
  fields: (t) => ({
    message: t.exposeString('message'),
    field: t.exposeString('field'),
  }),
});

/** Declares an error type implementing `Error`; `make` builds a value of it. */
function errorType(name: string, description: string) {
  const ref = builder.objectRef<UserError>(name).implement({
    description,
    interfaces: [ErrorInterface],
    isTypeOf: (value) => (value as { __typename?: unknown }).__typename === name,
  });
  return { ref, make: (message: string, field: string): UserError => ({ __typename: name, message, field }) };
}

export const MalformedDateError = errorType(
  'MalformedDateError',
  'A date is not "YYYY-MM-DD HH:mm" (UTC), or not a real date.',
);
export const InvalidWindowError = errorType('InvalidWindowError', 'The window ends before it starts.');
export const InvalidSourceError = errorType(
  'InvalidSourceError',
  'The topology source is neither file:PATH nor synthetic:substations=N&nodes=M&seed=S.',
);
export const InvalidSelectionsError = errorType(
  'InvalidSelectionsError',
  'The selections list is empty, or has blank or repeated ids.',
);
export const RunNotFoundError = errorType('RunNotFoundError', 'No run has this id.');
export const RunAlreadyFinishedError = errorType(
  'RunAlreadyFinishedError',
  'The run is already SUCCEEDED, FAILED or CANCELLED.',
);
export const NothingToRetryError = errorType('NothingToRetryError', 'The run has no failed task.');
export const RunNotFinishedError = errorType(
  'RunNotFinishedError',
  'The run is still going: its cells can be re-run (retryTasks) or compared (compareRuns) once it is SUCCEEDED, FAILED or CANCELLED.',
);
export const TooManyCellsError = errorType(
  'TooManyCellsError',
  'More tasks are chosen than one retryTasks may re-run (MAX_RETRY_TASKS): choose fewer selections or a shorter window.',
);
