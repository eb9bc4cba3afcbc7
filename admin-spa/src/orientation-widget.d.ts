// <orientation-widget> (widget/) in JSX: React 19 renders custom elements,
// setting properties the element defines and attributes otherwise.
import type { DetailedHTMLProps, HTMLAttributes } from 'react';

declare module 'react' {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements {
      'orientation-widget': DetailedHTMLProps<HTMLAttributes<HTMLElement>, HTMLElement> & {
        partner: string;
        entry?: string;
        /** Draft preview token (see WidgetPreview). */
        preview?: string;
        commune?: string;
        api?: string;
        mode?: 'agent' | 'resident';
        'exit-url'?: string;
      };
    }
  }
}
