export * from './columns.js';
export * from './workspaces.js';
export * from './users.js';
export * from './customers.js';
export * from './follow-ups.js';
export * from './reminders.js';
export * from './assignments.js';
export * from './delivery.js';
