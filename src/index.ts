export * from './login-alerts';
