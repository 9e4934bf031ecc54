// Response header sets the RM's Jetty writes, in the recorded order (rm-rest/index.json, web-proxy/).

export type RawHeaders = [string, string][];

export function httpDate(ms: number): string {
  return new Date(ms).toUTCString();
}

/**
 * The no-cache + security header block of REST answers and proxied pages (Date appears twice).
 * REST (Jersey) writes Content-Type after the security headers, the proxy servlet before them.
 */
export function rmNoCacheHeaders(
  now: number,
  contentType: string,
  opts: { leadingDate?: boolean; contentTypeLast?: boolean } = {},
): RawHeaders {
  const date = httpDate(now);
  const security: RawHeaders = [
    ['X-Content-Type-Options', 'nosniff'],
    ['X-XSS-Protection', '1; mode=block'],
    ['X-Frame-Options', 'SAMEORIGIN'],
  ];
  const type: RawHeaders = [['Content-Type', contentType]];
  return [
    ...(opts.leadingDate ? ([['Date', date]] as RawHeaders) : []),
    ['Cache-Control', 'no-cache'],
    ['Expires', date],
    ['Date', date],
    ['Pragma', 'no-cache'],
    ...(opts.contentTypeLast ? [...security, ...type] : [...type, ...security]),
    ['Vary', 'Accept-Encoding'],
  ];
}

/** The smaller block Jetty writes for a 405 straight from the servlet. */
export const SECURITY_ONLY_HEADERS: RawHeaders = [
  ['Pragma', 'no-cache'],
  ['X-Content-Type-Options', 'nosniff'],
  ['X-XSS-Protection', '1; mode=block'],
  ['X-Frame-Options', 'SAMEORIGIN'],
];

export const flat = (h: RawHeaders): string[] => h.flat();
