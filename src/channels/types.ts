// The contracts live in src/core/ (every layer shares them); channels keep importing them from here too.
export * from '../core/types.js';
