import { Link } from 'react-router';
import type { WorkItem, Worklist } from '../api/types';
import { useApi } from '../api/use-api';
import { Failed, Loading } from '../components/Status';
import { Tag, type TagColour } from '../components/Tag';
import { formatDate, formatInstant, label } from '../format';
import { useTitle } from '../title';
import { TableScroll } from '../components/TableScroll';

const STATUS: Record<WorkItem['status'], { text: string; colour: TagColour }> = {
  overdue: { text: 'Overdue', colour: 'red' },
  missing: { text: 'Missing', colour: 'orange' },
  'due-soon': { text: 'Due soon', colour: 'yellow' },
  late: { text: 'Recorded late', colour: 'pink' },
  review: { text: 'To review', colour: 'blue' },
};

/** A date or an instant, as the worklist gives either. */
const when = (value: string | null) => (value === null ? '' : /^\d{4}-\d{2}-\d{2}$/.test(value) ? formatDate(value) : formatInstant(value));

/** What is overdue, due soon or missing for the signed-in worker's children (GET /api/v1/worklist). */
export function WorklistPage() {
  const loaded = useApi<Worklist>('/api/v1/worklist');
  useTitle('Worklist');
  if (loaded.state === 'loading') return <Loading what="your worklist" />;
  if (loaded.state === 'failed') return <Failed error={loaded.error} what="a worklist" />;
  const { items, children, asOf } = loaded.data;
  return (
    <>
      <h1 className="govuk-heading-l">Worklist</h1>
      <p className="govuk-body">
        {items.length === 0 ? 'Nothing is due, overdue or missing' : `${items.length} ${items.length === 1 ? 'item' : 'items'}, most urgent first,`} for {children}{' '}
        {children === 1 ? 'child' : 'children'}, as at {formatInstant(asOf)}.
      </p>
      {items.length > 0 ? (
        <TableScroll label="Worklist (scrolls sideways)">
          <table className="govuk-table">
            <caption className="govuk-visually-hidden">What is due, overdue or missing</caption>
            <thead className="govuk-table__head">
              <tr className="govuk-table__row">
                <th scope="col" className="govuk-table__header">
                  Child
                </th>
                <th scope="col" className="govuk-table__header">
                  What
                </th>
                <th scope="col" className="govuk-table__header">
                  Status
                </th>
                <th scope="col" className="govuk-table__header">
                  Due
                </th>
              </tr>
            </thead>
            <tbody className="govuk-table__body">
              {items.map((item, i) => (
                <tr className="govuk-table__row" key={`${item.childId}-${item.item}-${item.entryId ?? ''}-${i}`}>
                  <td className="govuk-table__cell">
                    <Link className="govuk-link" to={`/children/${item.childId}`}>
                      {item.childName}
                    </Link>
                  </td>
                  <td className="govuk-table__cell">
                    {label(item.item)}
                    <span className="govuk-body-s app-block">{item.detail}</span>
                  </td>
                  <td className="govuk-table__cell">
                    <Tag colour={STATUS[item.status].colour}>{STATUS[item.status].text}</Tag>
                    {item.daysOverdue !== null && item.daysOverdue > 0 ? <span className="govuk-body-s app-block">{item.daysOverdue} days</span> : null}
                  </td>
                  <td className="govuk-table__cell">{when(item.dueBy)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      ) : null}
    </>
  );
}
