export * from './csc.js';
export { validateCsc } from './csc_validate.js';
