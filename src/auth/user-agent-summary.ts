import { UAParser } from 'ua-parser-js';

/** Operating-system names from ua-parser-js 1.x, shortened to the names people know. */
const OS_NAMES: Record<string, string> = {
  'Mac OS': 'macOS',
  'Chromium OS': 'ChromeOS',
};

/**
 * Summarises a User-Agent header for a list of devices, such as
 * "Firefox on Windows" or "Mobile Safari on iOS".
 */
export function summariseUserAgent(userAgent: string | undefined): string {
  if (!userAgent) return 'Unknown device';

  const parsed = new UAParser(userAgent).getResult();
  const browser = parsed.browser.name;
  const os = parsed.os.name ? (OS_NAMES[parsed.os.name] ?? parsed.os.name) : undefined;

  if (browser && os) return `${browser} on ${os}`;
  if (browser) return browser;
  if (os) return `Unknown browser on ${os}`;
  return 'Unknown device';
}
