import { Pagination } from '@codegouvfr/react-dsfr/Pagination';
import { useLocation } from 'react-router-dom';

/** DSFR pagination over ?page= in the URL (shareable, back button works). */
export function Pager({ total, pageSize, page }: { total: number; pageSize: number; page: number }) {
  const location = useLocation();
  const count = Math.max(1, Math.ceil(total / pageSize));
  if (count <= 1) return null;
  const link = (n: number) => {
    const p = new URLSearchParams(location.search);
    if (n === 1) p.delete('page');
    else p.set('page', String(n));
    const s = p.toString();
    return { to: location.pathname + (s ? '?' + s : '') };
  };
  return <Pagination count={count} defaultPage={Math.min(page, count)} getPageLinkProps={link} showFirstLast className="fr-mt-3w" />;
}

export function pageOf(params: URLSearchParams): number {
  const n = Number(params.get('page') ?? '1');
  return Number.isInteger(n) && n > 0 ? n : 1;
}
