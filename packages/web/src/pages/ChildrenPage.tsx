import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { withQuery } from '../api/client';
import type { ChildSummary } from '../api/types';
import { usePaged, type Paged } from '../api/use-paged';
import { Failed, Loading } from '../components/Status';
import { Tag } from '../components/Tag';
import { formatDate, fullName } from '../format';
import { useTitle } from '../title';
import { TableScroll } from '../components/TableScroll';

/**
 * Search for a child. The list is exactly what GET /api/v1/children returns for the
 * signed-in user: the API filters to the records they may see (allocation, team, grant…).
 */
export function ChildrenPage() {
  const [params] = useSearchParams();
  const q = params.get('q') ?? '';
  const [text, setText] = useState(q);
  const [shownFor, setShownFor] = useState(q);
  const navigate = useNavigate();
  useTitle(q === '' ? 'Children' : `Children matching “${q}”`);
  // The box follows the address when the user goes back or forward.
  if (shownFor !== q) {
    setShownFor(q);
    setText(q);
  }
  const results = usePaged<ChildSummary>(withQuery('/api/v1/children', { q: q.trim(), limit: 25 }));

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void navigate(withQuery('/children', { q: text.trim() }));
  };

  return (
    <>
      <h1 className="govuk-heading-l">Children</h1>
      <form className="app-search" role="search" action="/children" method="get" onSubmit={onSubmit}>
        <div className="govuk-form-group">
          <label className="govuk-label govuk-label--s" htmlFor="q">
            Search by name, date of birth, NHS number, UPN or local id
          </label>
          <div className="govuk-hint" id="q-hint">
            Dates of birth as 2014-03-31. You see only the children whose records you may read.
          </div>
          <div className="app-search__row">
            <input className="govuk-input govuk-!-width-two-thirds" id="q" name="q" type="search" aria-describedby="q-hint" value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} />
            <button type="submit" className="govuk-button govuk-button--secondary app-search__button">
              Search
            </button>
          </div>
        </div>
      </form>
      <ChildResults results={results} q={q} />
    </>
  );
}

function ChildResults({ results, q }: { results: Paged<ChildSummary>; q: string }) {
  if (results.state === 'loading') return <Loading what="children" />;
  if (results.state === 'failed' && results.error !== null) return <Failed error={results.error} what="the list of children" />;
  if (results.items.length === 0) {
    return (
      <p className="govuk-body" role="status">
        {q === '' ? 'There are no children whose records you may see.' : `No child you may see matches “${q}”.`}
      </p>
    );
  }
  return (
    <>
      <TableScroll label="Children (scrolls sideways)">
        <table className="govuk-table">
          <caption className="govuk-table__caption govuk-table__caption--m">{q === '' ? 'Children whose records you may see' : `Children matching “${q}”`}</caption>
          <thead className="govuk-table__head">
            <tr className="govuk-table__row">
              <th scope="col" className="govuk-table__header">
                Name
              </th>
              <th scope="col" className="govuk-table__header">
                Date of birth
              </th>
              <th scope="col" className="govuk-table__header">
                NHS number
              </th>
              <th scope="col" className="govuk-table__header">
                Local id
              </th>
            </tr>
          </thead>
          <tbody className="govuk-table__body">
            {results.items.map((child) => (
              <tr className="govuk-table__row" key={child.id}>
                <td className="govuk-table__cell">
                  <Link className="govuk-link" to={`/children/${child.id}`}>
                    {fullName(child)}
                  </Link>
                  {child.dateOfDeath !== null ? (
                    <>
                      {' '}
                      <Tag colour="grey">Died {formatDate(child.dateOfDeath)}</Tag>
                    </>
                  ) : null}
                </td>
                <td className="govuk-table__cell">{formatDate(child.dateOfBirth)}</td>
                <td className="govuk-table__cell">{child.identifiers.nhsNumber ?? ''}</td>
                <td className="govuk-table__cell">{child.identifiers.localId ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      {results.error !== null ? <Failed error={results.error} what="more children" /> : null}
      {results.hasMore ? (
        <button type="button" className="govuk-button govuk-button--secondary" onClick={results.more} disabled={results.loadingMore}>
          {results.loadingMore ? 'Loading…' : 'Show more children'}
        </button>
      ) : null}
    </>
  );
}
