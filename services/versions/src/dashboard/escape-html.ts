/** Escapes text for HTML and SVG element content and attribute values. Hostnames, versions and
 * metric keys come from instances, so every one of them goes through here. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
