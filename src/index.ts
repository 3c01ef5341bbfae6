export * from './alert-types';
export * from './destinations';
export * from './login-alerts';
export * from './secrets';
