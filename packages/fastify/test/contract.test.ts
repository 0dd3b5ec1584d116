import { describeAdapterContract, describeTelemetryContract, type ContractUser, type StartAdapter } from '@ably-chat-auth/adapter-contract';
import { ablyChatAuth } from '@ably-chat-auth/fastify';
import { FASTIFY_VERSIONS, listen } from './helpers';

for (const [name, Fastify, version] of FASTIFY_VERSIONS) {
  const start: StartAdapter = async (setup) => {
    const app = Fastify();
    await app.register(ablyChatAuth<ContractUser>, { ...setup.options, resolveUser: (request) => setup.resolveUserFromHeaders(request.headers) });
    const { baseUrl, close } = await listen(app);
    return { baseUrl, tokenPath: '/api/ably-token', close };
  };
  describeAdapterContract(`${name} (${version}) app.register(ablyChatAuth)`, start);
  describeTelemetryContract(`${name} (${version}) app.register(ablyChatAuth)`, start);
}
