import { useEffect, useRef, type ReactNode } from 'react';

/**
 * A screen: sets the document title (RGAA 8.6: unique, meaningful titles) and
 * moves the focus to its heading when it opens, so that screen readers
 * announce the new page after a client-side navigation.
 */
export function Page({ title, context, children, actions }: { title: string; context?: string; children: ReactNode; actions?: ReactNode }) {
  const h1 = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = [title, context, 'Aiguillage'].filter(Boolean).join(' — ');
  }, [title, context]);
  useEffect(() => {
    // Not on the very first load: the browser starts at the top of the page.
    if (document.body.dataset.navigated) h1.current?.focus();
    document.body.dataset.navigated = '1';
  }, []);
  return (
    <>
      <div className="app-row fr-mb-3w" style={{ justifyContent: 'space-between', alignItems: 'center' }}>
        <h1 ref={h1} tabIndex={-1} className="fr-mb-0">
          {title}
        </h1>
        {actions}
      </div>
      {children}
    </>
  );
}
