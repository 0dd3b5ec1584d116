// An API-only Nuxt app: the token route and a test-only login under server/api.
export default { compatibilityDate: '2025-07-15', devtools: { enabled: false }, telemetry: false };
