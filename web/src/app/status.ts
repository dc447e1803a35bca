/** The status line in the top bar: the one place the page says what it just did. */
export function setStatus(text: string): void {
  document.getElementById('run-status')!.textContent = text;
}

/** What the status line says now. */
export function statusText(): string {
  return document.getElementById('run-status')!.textContent ?? '';
}
