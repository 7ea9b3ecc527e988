import type { Entry } from '../api/types';
import { usePaged } from '../api/use-paged';
import { Failed, Loading } from '../components/Status';
import { Tag } from '../components/Tag';
import { formatInstant, label } from '../format';

/** R4: a visit's recording deadline, and whether it was met. */
function VisitRecording({ entry }: { entry: Entry }) {
  if (entry.recordingDueBy === null) return null;
  return (
    <p className="govuk-body-s app-entry__recording">
      Recording due by {formatInstant(entry.recordingDueBy)}
      {entry.recordedLate === true ? (
        <>
          {' '}
          <Tag colour="red">Recorded late</Tag>
        </>
      ) : null}
      {entry.recordingState === 'overdue' ? (
        <>
          {' '}
          <Tag colour="red">Recording overdue</Tag>
        </>
      ) : null}
    </p>
  );
}

function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function EntryItem({ entry }: { entry: Entry }) {
  return (
    <li className="app-entry">
      <h3 className="govuk-heading-s app-entry__title">
        <span className="govuk-caption-m app-entry__kind">{label(entry.kind)}</span>
        {entry.title}
      </h3>
      <p className="govuk-body-s app-entry__meta">
        Happened {formatInstant(entry.occurredAt)}. Recorded {formatInstant(entry.recordedAt)} by {entry.recordedBy.displayName}.
        {entry.status === 'draft' ? (
          <>
            {' '}
            <Tag colour="yellow">Draft</Tag>
          </>
        ) : null}
        {entry.currentVersion > 1 ? (
          <>
            {' '}
            <Tag colour="grey">Version {entry.currentVersion}</Tag>
          </>
        ) : null}
      </p>
      <VisitRecording entry={entry} />
      {entry.documents.length > 0 ? (
        <ul className="govuk-list app-entry__documents" aria-label={`Documents: ${entry.title}`}>
          {entry.documents.map((d) => (
            <li key={d.id}>
              {/* The API sends the file as a download (Content-Disposition: attachment), by the session cookie. */}
              <a className="govuk-link" href={`/api/v1/documents/${encodeURIComponent(d.id)}/content`} download>
                {d.filename ?? 'Document'}
              </a>{' '}
              <span className="govuk-body-s app-muted">
                ({d.contentType}, {fileSize(d.size)})
              </span>
            </li>
          ))}
        </ul>
      ) : null}
      {entry.body.trim() !== '' ? (
        <details className="govuk-details app-entry__body">
          <summary className="govuk-details__summary">
            <span className="govuk-details__summary-text">
              Read<span className="govuk-visually-hidden"> {entry.title}</span>
            </span>
          </summary>
          <div className="govuk-details__text app-entry__text">{entry.body}</div>
        </details>
      ) : null}
    </li>
  );
}

/** The child's chronology, newest first, a page at a time (GET /api/v1/children/{id}/entries). */
export function Chronology({ childId }: { childId: string }) {
  const entries = usePaged<Entry>(`/api/v1/children/${encodeURIComponent(childId)}/entries?limit=20`);
  if (entries.state === 'loading') return <Loading what="the chronology" />;
  if (entries.state === 'failed' && entries.error !== null) return <Failed error={entries.error} what="this chronology" />;
  if (entries.items.length === 0) return <p className="govuk-body">Nothing has been recorded yet.</p>;
  return (
    <>
      <ol className="app-chronology" aria-label="Entries, newest first">
        {entries.items.map((entry) => (
          <EntryItem key={entry.id} entry={entry} />
        ))}
      </ol>
      {entries.error !== null ? <Failed error={entries.error} what="more entries" /> : null}
      {entries.hasMore ? (
        <button type="button" className="govuk-button govuk-button--secondary" onClick={entries.more} disabled={entries.loadingMore}>
          {entries.loadingMore ? 'Loading…' : 'Load more'}
        </button>
      ) : (
        <p className="govuk-body-s">That is the whole chronology: {entries.items.length} {entries.items.length === 1 ? 'entry' : 'entries'}.</p>
      )}
    </>
  );
}
