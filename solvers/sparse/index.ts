export * from './csc.js';
