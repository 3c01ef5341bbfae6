// Destinations: the choice (alert-destination.ts), what filters them, what they add, and one file
// per type with its options and resources. Only the public types leave this folder.
export * from './alert-destination';
export * from './filter-options';
export * from './resources';
export type { SlackDestinationOptions } from './slack';
export type { SlackAppDestinationOptions } from './slack-app';
export type { PagerDutyDestinationOptions } from './pagerduty';
