import { createRoute } from './route.mjs';

let handler;
export default {
  fetch(request, env) {
    handler ??= createRoute(env.ABLY_API_KEY);
    return handler(request);
  },
};
