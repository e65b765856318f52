/** Line and bar colours of the training report's charts, one per series. */
export const COLOURS = ['#0b62c4', '#d9480f', '#2b8a3e', '#862e9c', '#c92a2a', '#5f3dc4'];

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
