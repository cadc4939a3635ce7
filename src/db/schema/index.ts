export * from './audit.js';
export * from './decisions.js';
export * from './lists.js';
export * from './rules.js';
export * from './tenancy.js';
export * from './subjects.js';
export * from './cases.js';
export * from './settings.js';
