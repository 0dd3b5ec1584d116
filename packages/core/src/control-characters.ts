// eslint-disable-next-line no-control-regex -- matching control characters is the point: a clientId or claim value must not contain one
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** True when `text` holds a C0 or C1 control character (which a clientId, a revocation key or a header must not). */
export function hasControlCharacter(text: string): boolean {
  return CONTROL.test(text);
}
