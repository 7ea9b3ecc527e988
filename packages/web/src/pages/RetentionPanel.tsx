import type { ChildRetention } from '../api/types';
import { useApi } from '../api/use-api';
import { Failed, Loading } from '../components/Status';
import { SummaryList } from '../components/SummaryList';
import { DoNotDestroyTag, Tag, UnverifiedTag } from '../components/Tag';
import { formatDate, formatInstant, label } from '../format';
import { blockerText, deathRuleText, labelStatusText, periodText, waitingText } from '../retention-words';
import { TableScroll } from '../components/TableScroll';

/**
 * R13, R15: the record's destruction date, the rules behind it (unverified ones flagged),
 * the holds on it (DO NOT DESTROY, even past the date) and what blocks its disposal.
 */
export function RetentionPanel({ childId }: { childId: string }) {
  const loaded = useApi<ChildRetention>(`/api/v1/children/${encodeURIComponent(childId)}/retention`);
  if (loaded.state === 'loading') return <Loading what="retention" />;
  if (loaded.state === 'failed') return <Failed error={loaded.error} what="this record’s retention" />;
  const r = loaded.data;

  return (
    <div className="app-retention" data-testid="retention-panel">
      {r.doNotDestroy ? (
        <div className="app-retention__hold">
          <p className="govuk-body">
            <DoNotDestroyTag />
          </p>
          <p className="govuk-body">
            {r.holds.length === 1 ? 'A hold applies' : `${r.holds.length} holds apply`}: this record must not be destroyed while {r.holds.length === 1 ? 'it stays' : 'any stays'} in place, even after its destruction
            date.
          </p>
          <ul className="govuk-list govuk-list--bullet">
            {r.holds.map((h) => (
              <li key={h.id}>{h.name}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <SummaryList
        rows={[
          { key: 'Destruction date', value: r.destructionDate !== null ? formatDate(r.destructionDate) : labelStatusText(r.status, null) },
          { key: 'Record', value: label(r.recordStatus) },
          { key: 'Record classes', value: r.recordClasses.map(label).join(', ') },
          { key: 'Can be destroyed now', value: r.disposable ? 'Yes, with two authorised approvals' : 'No' },
          { key: 'Schedule version', value: r.scheduleVersion === null ? '' : `${r.scheduleVersion}${r.computedAt !== null ? `, worked out ${formatInstant(r.computedAt)}` : ''}` },
        ]}
      />
      {r.unverifiedRuleIds.length > 0 ? (
        <div className="govuk-warning-text">
          <span className="govuk-warning-text__icon" aria-hidden="true">
            !
          </span>
          <strong className="govuk-warning-text__text">
            <span className="govuk-visually-hidden">Warning</span>
            {r.unverifiedRuleIds.length === 1 ? 'A rule behind this date is unverified' : `${r.unverifiedRuleIds.length} rules behind this date are unverified`}: check the
            period against the regulation before relying on it.
          </strong>
        </div>
      ) : null}
      {r.rules.length > 0 ? (
        <TableScroll label="Retention rules (scrolls sideways)">
          <table className="govuk-table">
            <caption className="govuk-table__caption govuk-table__caption--s">Rules that apply to this record</caption>
            <thead className="govuk-table__head">
              <tr className="govuk-table__row">
                <th scope="col" className="govuk-table__header">
                  Rule
                </th>
                <th scope="col" className="govuk-table__header">
                  Period
                </th>
                <th scope="col" className="govuk-table__header">
                  Gives
                </th>
              </tr>
            </thead>
            <tbody className="govuk-table__body">
              {r.rules.map((rule) => (
                <tr className="govuk-table__row" key={rule.id}>
                  <td className="govuk-table__cell">
                    {rule.id}
                    <span className="govuk-body-s app-muted app-block">{label(rule.recordClass)}</span>
                    {!rule.verified ? (
                      <>
                        <UnverifiedTag />
                        {rule.flag !== null ? <span className="govuk-body-s app-block">{rule.flag}</span> : null}
                      </>
                    ) : null}
                  </td>
                  <td className="govuk-table__cell">
                    {periodText(rule)}
                    {deathRuleText(rule.deathRuleYears) !== null ? <span className="govuk-body-s app-block">{deathRuleText(rule.deathRuleYears)}</span> : null}
                  </td>
                  <td className="govuk-table__cell">
                    {rule.outcome === 'date' ? formatDate(rule.date) : rule.outcome === 'pending' ? waitingText(rule.waitingFor) : 'A review'}
                    {rule.by === 'death-rule' ? <span className="govuk-body-s app-block">by the rule for a child who died before 18</span> : null}
                    {rule.governs ? (
                      <span className="app-block">
                        <Tag colour="green">Sets the date</Tag>
                      </span>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      ) : null}
      <h3 className="govuk-heading-s">What stops this record being destroyed</h3>
      {r.blockers.length === 0 ? (
        <p className="govuk-body">Nothing: it may be destroyed with two authorised approvals.</p>
      ) : (
        <ul className="govuk-list govuk-list--bullet" aria-label="What stops this record being destroyed">
          {r.blockers.map((b) => (
            <li key={b.code}>{blockerText(b)}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
