// Moved to src/forms/fieldErrors.ts (the visit form, the outbox and the users module use it too); re-exported for
// this folder's imports.
export { readProblem, useFieldErrorDisplay, type MutationProblem, type ServerFieldError } from '../../forms/fieldErrors';
