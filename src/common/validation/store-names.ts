/** The vault stores the web client uses, one per tool. Any other name is rejected with 400. */
export const STORE_NAMES = [
  'image-presets',
  'svg-projects',
  'three-scenes',
  'pdf-documents',
  'spreadsheet-workbooks',
  'markdown-documents',
  'color-palettes',
  'devtools-snippets',
  'api-collections',
  'phone-configs',
  'map-projects',
  'invoice-configs',
  'kanban-boards',
] as const;

export type StoreName = (typeof STORE_NAMES)[number];

export function isStoreName(value: unknown): value is StoreName {
  return typeof value === 'string' && (STORE_NAMES as readonly string[]).includes(value);
}
