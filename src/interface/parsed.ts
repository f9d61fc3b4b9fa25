/**
 * The outcome of reading untrusted data (a databag, an address). Bad remote data is expected, so it
 * is a value the caller inspects, never an exception.
 */
export type Parsed<T> =
  | { readonly kind: "absent" }
  | { readonly kind: "invalid"; readonly reasons: readonly string[] }
  | { readonly kind: "valid"; readonly data: T };

/** The outcome of building something to publish from local inputs that may be wrong (e.g. an address). */
export type Built<T> =
  | { readonly kind: "invalid"; readonly reasons: readonly string[] }
  | { readonly kind: "valid"; readonly data: T };
