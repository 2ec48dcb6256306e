// Keyboard shortcuts of the views. Keys typed into a field, or used by a focused chart (which pans with the arrows),
// or pressed while a dialog is open, are not shortcuts.
import { useEffect } from 'preact/hooks';

export function isTyping(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName))
  );
}

/** ← and → call `previous` and `next` (when there is one). */
export function useArrowNavigation(previous: (() => void) | null, next: (() => void) | null): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey || isTyping(e.target)) return;
      if (document.querySelector('dialog[open]')) return;
      const go = e.key === 'ArrowLeft' ? previous : e.key === 'ArrowRight' ? next : null;
      if (!go) return;
      e.preventDefault();
      go();
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [previous, next]);
}
