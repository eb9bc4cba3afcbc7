import { useId, useState, type FormEvent } from 'react';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { errorMessage } from '../api/problem';

/** A format the control offers: its value in the API, its label and what it is for. */
export type ExportFormat<F extends string> = { value: F; label: string; hint: string };

/** A downloaded file and the name the server gave it. */
export type Downloaded = { blob: Blob; filename: string };

/** The file name of a Content-Disposition header (attachment; filename="x.csv"), or the fallback. */
export function filenameOf(disposition: string | null, fallback: string): string {
  const m = /filename="?([^";]+)"?/i.exec(disposition ?? '');
  return m?.[1]?.trim() || fallback;
}

/** Offers the browser a file to save, as a link click would. */
export function saveFile({ blob, filename }: Downloaded) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * « Exporter »: choose a format, download the file. The outcome is announced
 * in a polite live region; a failure is shown next to the button.
 */
export function ExportControl<F extends string>({
  title,
  intro,
  formats,
  fetchFile,
  save = saveFile,
}: {
  title: string;
  intro?: string;
  formats: ExportFormat<F>[];
  fetchFile: (format: F) => Promise<Downloaded>;
  save?: (file: Downloaded) => void;
}) {
  const id = useId();
  const [format, setFormat] = useState<F>(formats[0].value);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState('');
  const [error, setError] = useState<string | null>(null);
  const current = formats.find((f) => f.value === format);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    setStatus('Préparation du fichier…');
    try {
      const file = await fetchFile(format);
      save(file);
      setStatus(`Fichier « ${file.filename} » téléchargé.`);
    } catch (err) {
      setStatus('');
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby={`${id}-title`} className="fr-mt-6w">
      <h2 id={`${id}-title`} className="fr-h5">
        {title}
      </h2>
      {intro && <p className="fr-text--sm">{intro}</p>}
      <form onSubmit={onSubmit} className="app-toolbar">
        <Select label="Format du fichier" hint={current?.hint} nativeSelectProps={{ value: format, name: 'format', onChange: (e) => setFormat(e.target.value as F) }}>
          {formats.map((f) => (
            <option key={f.value} value={f.value}>
              {f.label}
            </option>
          ))}
        </Select>
        <Button type="submit" iconId="fr-icon-download-line" aria-disabled={busy}>
          Exporter
        </Button>
      </form>
      <p role="status" aria-live="polite" className="fr-text--sm fr-mt-1w">
        {status}
      </p>
      {error && <Alert small severity="error" description={`Export impossible : ${error}`} />}
    </section>
  );
}
