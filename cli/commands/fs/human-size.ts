/**
 * Sizes for people, as `hdfs dfs -ls -h`, `-du -h` and `-count -h` print them: Hadoop's
 * StringUtils.TraditionalBinaryPrefix.long2String(n, "", 1). Below 1024 the plain number; else
 * the largest binary prefix that fits, the quotient exact ("2 K") or with one decimal ("1.5 K"),
 * moving to the next prefix when the rounding gives "1024.0".
 */

const SYMBOLS = ['K', 'M', 'G', 'T', 'P', 'E'];

export function humanSize(n: number): string {
  let sign = '';
  if (n < 0) {
    sign = '-';
    n = -n;
  }
  if (n < 1024) return `${sign}${n}`;
  let i = 0;
  while (i < SYMBOLS.length && n >= 2 ** (10 * (i + 1))) i++;
  let prefix = i - 1;
  const unit = 2 ** (10 * (prefix + 1));
  if (n % unit === 0) return `${sign}${n / unit} ${SYMBOLS[prefix]}`;
  let text = (n / unit).toFixed(1);
  if (text.startsWith('1024') && prefix + 1 < SYMBOLS.length) {
    prefix++;
    text = (n / 2 ** (10 * (prefix + 1))).toFixed(1);
  }
  return `${sign}${text} ${SYMBOLS[prefix]}`;
}

/** `%<width>s`: right-aligned in `width` columns (never cut). */
export function padLeft(s: string, width: number): string {
  return s.padStart(width);
}

/** `%-<width>s`: left-aligned in `width` columns (never cut). */
export function padRight(s: string, width: number): string {
  return s.padEnd(width);
}
