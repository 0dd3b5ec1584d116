import { route } from '@react-router/dev/routes';

export default [route('api/ably-token', 'routes/api.ably-token.ts'), route('test-login', 'routes/test-login.js')];
