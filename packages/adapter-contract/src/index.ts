export { describeAdapterContract, type AdapterContractOptions, type ContractAnswer } from './contract.js';
export {
  CONTRACT_ALLOWED_ORIGIN,
  CONTRACT_TTL_SECONDS,
  CONTRACT_USERS,
  contractGrants,
  contractUserClaims,
  createContractFixture,
  expectedCapability,
  expectedUserClaims,
  sessionCookie,
  type ContractFixture,
  type ContractHeaders,
  type ContractRouteOptions,
  type ContractSetup,
  type ContractUser,
  type RecordedHookEvent,
  type RecordedLogLine,
  type StartAdapter,
  type StartedAdapter,
} from './fixture.js';
export { listenOnLoopback } from './listen.js';
export { describeTelemetryContract } from './telemetry-contract.js';
