/** A URL on the frontend: FRONTEND_BASE_URL (its path kept) + `path`, with query parameters. */
export function frontendUrl(frontendBaseUrl: string, path: string, params: Record<string, string>): string {
  const url = new URL(frontendBaseUrl.replace(/\/$/, '') + path);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.toString();
}
