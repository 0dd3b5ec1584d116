import { AblyChatAuthError, describeValue } from './errors.js';
import { createHmacKey, type HmacKey } from './hmac.js';
import { INSPECT_CUSTOM } from './runtime.js';

const KEY_FORMAT = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+):([^\s:]+)$/;
const EXPECTED = "an Ably API key of the form 'appId.keyId:secret' (copy it from the API Keys tab of your Ably app)";

/** The HMAC key of a parsed API key, for core's signers; not part of the public API. */
export let hmacKeyOf: (key: AblyApiKey) => HmacKey;

/**
 * A parsed Ably API key. The secret is held in a private field and a prebuilt HMAC key:
 * it never shows up in `util.inspect`, `JSON.stringify`, `String()` or an error message.
 */
export class AblyApiKey {
  /** `appId.keyId`: the part before the colon; Ably's `kid` JOSE header and the TokenRequest `keyName`. */
  readonly keyName: string;
  /** The Ably app id (before the dot). */
  readonly appId: string;
  readonly #secret: string;
  readonly #hmacKey: HmacKey;

  static {
    hmacKeyOf = (key) => key.#hmacKey;
  }

  private constructor(keyName: string, appId: string, secret: string) {
    this.keyName = keyName;
    this.appId = appId;
    this.#secret = secret;
    // Built once per key: jsonwebtoken given a string secret rebuilds it on every sign (~60x slower).
    this.#hmacKey = createHmacKey(secret);
  }

  /**
   * Parses `appId.keyId:secret`.
   * @throws AblyChatAuthError `ERR_INVALID_API_KEY` naming the expected format, never the value.
   * @example const key = AblyApiKey.parse(process.env.ABLY_API_KEY);
   */
  static parse(value: unknown, source = 'apiKey'): AblyApiKey {
    if (typeof value !== 'string' || value.length === 0) {
      throw new AblyChatAuthError(
        'ERR_INVALID_API_KEY',
        `${source} must be ${EXPECTED}; got ${value === undefined ? 'nothing (is the environment variable set?)' : describeValue(value)}.`,
        // A missing key is configuration, not a passing fault: the token route answers 500, not 503.
        value === undefined || value === null || value === '' ? { details: { missing: true } } : {},
      );
    }
    const match = KEY_FORMAT.exec(value.trim());
    if (!match) {
      throw new AblyChatAuthError(
        'ERR_INVALID_API_KEY',
        `${source} is malformed: expected ${EXPECTED}; got ${describeValue(value)}${value.includes(':') ? '' : ' with no colon'}. The value is not shown, as it may be secret.`,
      );
    }
    const [, appId, keyId, secret] = match as unknown as [string, string, string, string];
    return new AblyApiKey(`${appId}.${keyId}`, appId, secret);
  }

  /** The secret itself, for HTTP basic auth to Ably's REST API. Handle with care. */
  revealSecret(): string {
    return this.#secret;
  }

  toString(): string {
    return `AblyApiKey(${this.keyName})`;
  }

  toJSON(): { keyName: string; secret: '[redacted]' } {
    return { keyName: this.keyName, secret: '[redacted]' };
  }

  [INSPECT_CUSTOM](): string {
    return `AblyApiKey { keyName: '${this.keyName}', secret: [redacted] }`;
  }
}

/** A key, or a function returning one (sync or async), e.g. from a secret manager. */
export type ApiKeySource = string | (() => string | Promise<string>);

/**
 * Resolves an {@link ApiKeySource} into parsed keys. A static key is parsed at creation; a
 * provider is called for every token and its answer parsed once per distinct value, so a
 * rotated key takes effect on the next token.
 */
export class ApiKeyResolver {
  readonly #static: AblyApiKey | undefined;
  readonly #provider: (() => string | Promise<string>) | undefined;
  #lastRaw: string | undefined;
  #lastKey: AblyApiKey | undefined;

  constructor(source: unknown) {
    if (typeof source === 'function') {
      this.#provider = source as () => string | Promise<string>;
    } else {
      this.#static = AblyApiKey.parse(source);
    }
  }

  /** The key when it is static, else undefined (a provider is only asked on demand). */
  get staticKey(): AblyApiKey | undefined {
    return this.#static;
  }

  /** Returns the key synchronously when static; a promise when a provider must be asked. */
  resolve(): AblyApiKey | Promise<AblyApiKey> {
    if (this.#static) return this.#static;
    let raw: string | Promise<string>;
    try {
      raw = this.#provider!();
    } catch (cause) {
      return Promise.reject(providerError(cause));
    }
    if (typeof raw === 'string') return Promise.resolve(this.#parse(raw));
    return Promise.resolve(raw).then(
      (value) => this.#parse(value),
      (cause: unknown) => {
        throw providerError(cause);
      },
    );
  }

  #parse(raw: string): AblyApiKey {
    if (raw === this.#lastRaw && this.#lastKey) return this.#lastKey;
    const key = AblyApiKey.parse(raw, 'The API key returned by the apiKey provider');
    this.#lastRaw = raw;
    this.#lastKey = key;
    return key;
  }

  toJSON(): { apiKey: string } {
    return { apiKey: this.#static ? this.#static.keyName : '[provider]' };
  }

  [INSPECT_CUSTOM](): string {
    return `ApiKeyResolver { ${this.#static ? `keyName: '${this.#static.keyName}'` : 'provider'} }`;
  }
}

function providerError(cause: unknown): AblyChatAuthError {
  return new AblyChatAuthError('ERR_API_KEY_PROVIDER', 'The apiKey provider failed to return a key.', { cause });
}
