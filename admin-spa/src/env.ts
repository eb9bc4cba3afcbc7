import { z } from 'zod';

// Build-time settings (Vite inlines import.meta.env.VITE_*), checked once at
// start: a bad value fails loudly instead of sending requests to nowhere.
const schema = z.object({
  // Origin of the API when the SPA is hosted apart, e.g. https://api.aiguillage.fr.
  // Empty: the SPA's own origin (served by the Go binary under /admin/).
  VITE_API_BASE_URL: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v.replace(/\/+$/, '') : ''))
    .refine((v) => v === '' || /^https?:\/\/[^/]+/.test(v), 'VITE_API_BASE_URL doit être une URL http(s)'),
});

const parsed = schema.parse({ VITE_API_BASE_URL: import.meta.env.VITE_API_BASE_URL });

/** The API origin, without trailing slash. */
export const apiBaseUrl: string = parsed.VITE_API_BASE_URL || window.location.origin;
