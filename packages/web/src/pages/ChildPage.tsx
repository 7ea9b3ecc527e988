import { Link, useParams } from 'react-router';
import type { Child } from '../api/types';
import { useApi } from '../api/use-api';
import { Failed, Loading } from '../components/Status';
import { SummaryList } from '../components/SummaryList';
import { DoNotDestroyTag, Tag } from '../components/Tag';
import { formatDate, formatInstant, fullName, label } from '../format';
import { useTitle } from '../title';
import { Chronology } from './Chronology';
import { RetentionPanel } from './RetentionPanel';

/** One child's record: details, involvements, allocations, retention and the chronology. */
export function ChildPage() {
  const { id = '' } = useParams();
  const loaded = useApi<Child>(`/api/v1/children/${encodeURIComponent(id)}`);
  useTitle(loaded.state === 'ready' ? fullName(loaded.data) : 'Child');

  if (loaded.state === 'loading') return <Loading what="the child’s record" />;
  if (loaded.state === 'failed') {
    return (
      <>
        <h1 className="govuk-heading-l">{loaded.error.status === 404 ? 'Record not found' : 'This record could not be shown'}</h1>
        <Failed error={loaded.error} what="this child’s record" />
        <p className="govuk-body">
          <Link className="govuk-link" to="/children">
            Search for a child
          </Link>
        </p>
      </>
    );
  }
  const child = loaded.data;

  return (
    <>
      <span className="govuk-caption-l">Child’s record</span>
      <h1 className="govuk-heading-l">{fullName(child)}</h1>
      <p className="govuk-body">
        {child.retention.doNotDestroy ? <DoNotDestroyTag /> : null} {child.recordStatus !== 'open' ? <Tag colour="grey">{label(child.recordStatus)}</Tag> : null}
      </p>
      <nav className="app-contents" aria-label="On this page">
        <ul className="govuk-list">
          <li>
            <a className="govuk-link" href="#details">
              Details
            </a>
          </li>
          <li>
            <a className="govuk-link" href="#retention">
              Retention
            </a>
          </li>
          <li>
            <a className="govuk-link" href="#chronology">
              Chronology
            </a>
          </li>
        </ul>
      </nav>

      <h2 className="govuk-heading-m" id="details">
        Details
      </h2>
      <SummaryList
        rows={[
          { key: 'Name', value: fullName(child) },
          { key: 'Date of birth', value: formatDate(child.dateOfBirth) },
          { key: 'Date of death', value: formatDate(child.dateOfDeath) },
          { key: 'Sex', value: child.sex === null ? '' : label(child.sex) },
          { key: 'NHS number', value: child.identifiers.nhsNumber },
          { key: 'Unique pupil number', value: child.identifiers.upn },
          { key: 'Local id', value: child.identifiers.localId },
        ]}
      />

      <Involvements child={child} />
      <Allocations child={child} />
      {child.relationships.length > 0 ? (
        <>
          <h3 className="govuk-heading-s">Related children</h3>
          <ul className="govuk-list">
            {child.relationships.map((r) => (
              <li key={r.id}>
                {r.relatedChildVisible ? (
                  <Link className="govuk-link" to={`/children/${r.relatedChildId}`}>
                    {r.relatedChildName}
                  </Link>
                ) : (
                  r.relatedChildName
                )}{' '}
                ({label(r.kind)})
              </li>
            ))}
          </ul>
        </>
      ) : null}

      <h2 className="govuk-heading-m" id="retention">
        Retention
      </h2>
      <RetentionPanel childId={child.id} />

      <h2 className="govuk-heading-m" id="chronology">
        Chronology
      </h2>
      <Chronology childId={child.id} />
    </>
  );
}

function Involvements({ child }: { child: Child }) {
  if (child.involvements.length === 0) return <p className="govuk-body">No involvements are recorded.</p>;
  return (
    <table className="govuk-table">
      <caption className="govuk-table__caption govuk-table__caption--s">Involvements</caption>
      <thead className="govuk-table__head">
        <tr className="govuk-table__row">
          <th scope="col" className="govuk-table__header">
            Kind
          </th>
          <th scope="col" className="govuk-table__header">
            From
          </th>
          <th scope="col" className="govuk-table__header">
            To
          </th>
        </tr>
      </thead>
      <tbody className="govuk-table__body">
        {child.involvements.map((i) => (
          <tr className="govuk-table__row" key={i.id}>
            <td className="govuk-table__cell">{label(i.kind)}</td>
            <td className="govuk-table__cell">{formatDate(i.startDate)}</td>
            <td className="govuk-table__cell">{i.endDate === null ? <Tag colour="green">Open</Tag> : formatDate(i.endDate)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Allocations({ child }: { child: Child }) {
  if (child.allocations.length === 0) return <p className="govuk-body">No one is allocated.</p>;
  return (
    <table className="govuk-table">
      <caption className="govuk-table__caption govuk-table__caption--s">Allocations</caption>
      <thead className="govuk-table__head">
        <tr className="govuk-table__row">
          <th scope="col" className="govuk-table__header">
            Who
          </th>
          <th scope="col" className="govuk-table__header">
            As
          </th>
          <th scope="col" className="govuk-table__header">
            From
          </th>
          <th scope="col" className="govuk-table__header">
            Status
          </th>
        </tr>
      </thead>
      <tbody className="govuk-table__body">
        {child.allocations.map((a) => (
          <tr className="govuk-table__row" key={a.id}>
            <td className="govuk-table__cell">{a.userDisplayName}</td>
            <td className="govuk-table__cell">{label(a.role)}</td>
            <td className="govuk-table__cell">{formatDate(a.from)}</td>
            <td className="govuk-table__cell">{a.current ? <Tag colour="green">Current</Tag> : `Ended ${formatInstant(a.endedAt)}`}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
