import type { RetentionRule, RetentionRules } from '../api/types';
import { useApi } from '../api/use-api';
import { NotificationBanner } from '../components/NotificationBanner';
import { Failed, Loading } from '../components/Status';
import { SummaryCard, SummaryList } from '../components/SummaryList';
import { Tag, UnverifiedTag } from '../components/Tag';
import { label } from '../format';
import { deathRuleText, periodText } from '../retention-words';
import { useTitle } from '../title';

/**
 * R15: the retention schedule in force (GET /api/v1/retention/rules), every rule with its
 * trigger and period. Rules the API marks unverified (`verified: false`, with its `flag`)
 * carry an orange Unverified tag, the API's warning and the research note behind it.
 */
export function RetentionSchedulePage() {
  const loaded = useApi<RetentionRules>('/api/v1/retention/rules');
  useTitle('Retention schedule');
  if (loaded.state === 'loading') return <Loading what="the retention schedule" />;
  if (loaded.state === 'failed') return <Failed error={loaded.error} what="the retention schedule" />;
  const { rules, scheduleVersion } = loaded.data;
  const unverified = rules.filter((r) => !r.verified);

  return (
    <>
      <span className="govuk-caption-l">Version {scheduleVersion}</span>
      <h1 className="govuk-heading-l">Retention schedule</h1>
      {unverified.length > 0 ? (
        <NotificationBanner heading={`${unverified.length} of ${rules.length} rules are unverified.`}>
          <p className="govuk-body">Their period or its source has not been confirmed against the regulation text. Check them before relying on a destruction date they give:</p>
          <ul className="govuk-list govuk-list--bullet">
            {unverified.map((r) => (
              <li key={r.id}>
                <a className="govuk-notification-banner__link" href={`#rule-${r.id}`}>
                  {r.id}
                </a>
              </li>
            ))}
          </ul>
        </NotificationBanner>
      ) : null}
      <p className="govuk-body">
        Every record’s destruction date is worked out from these rules: the latest date of every rule that applies to it. A hold stops destruction whatever the date.
      </p>
      {rules.map((rule) => (
        <RuleCard key={rule.id} rule={rule} />
      ))}
    </>
  );
}

function RuleCard({ rule }: { rule: RetentionRule }) {
  return (
    <SummaryCard
      id={`rule-${rule.id}`}
      title={
        <>
          {rule.id} {!rule.verified ? <UnverifiedTag /> : null} {!rule.active ? <Tag colour="grey">Not applied</Tag> : null}
        </>
      }
    >
      <SummaryList
        rows={[
          { key: 'Record class', value: label(rule.recordClass) },
          { key: 'Covers', value: rule.description },
          { key: 'Trigger', value: label(rule.trigger.replace(/([A-Z])/g, '-$1').toLowerCase()) },
          { key: 'Period', value: periodText(rule) },
          { key: 'If the child dies', value: deathRuleText(rule.deathRule?.years) },
          { key: 'Basis', value: `${label(rule.basis)}${rule.minimum ? ' (a minimum period)' : ''}` },
          { key: 'Source', value: rule.source },
          {
            key: 'Verified',
            value: rule.verified ? (
              'Yes'
            ) : (
              <>
                <UnverifiedTag />
                {rule.flag !== null ? <p className="govuk-body govuk-!-margin-top-2">{rule.flag}</p> : null}
              </>
            ),
          },
          { key: 'Notes', value: rule.notes },
        ]}
      />
    </SummaryCard>
  );
}
