export * from './scopes.js';
export * from './operation-scopes.js';
