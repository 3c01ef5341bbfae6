export * from './alert-rules';
export * from './alert-types';
export * from './console-login-forwarder';
export * from './destinations';
export * from './login-alerts';
export * from './login-alerts-props';
export * from './people-directory';
export * from './secrets';
