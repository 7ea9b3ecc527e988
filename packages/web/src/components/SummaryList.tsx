import type { ReactNode } from 'react';

export interface SummaryRow {
  key: ReactNode;
  value: ReactNode;
}

/** The GOV.UK summary list; rows with no value (null, undefined, '') are left out. */
export function SummaryList({ rows, noBorder = false }: { rows: SummaryRow[]; noBorder?: boolean }) {
  const shown = rows.filter((r) => r.value !== null && r.value !== undefined && r.value !== '');
  return (
    <dl className={`govuk-summary-list${noBorder ? ' govuk-summary-list--no-border' : ''}`}>
      {shown.map((row, i) => (
        <div className="govuk-summary-list__row" key={i}>
          <dt className="govuk-summary-list__key">{row.key}</dt>
          <dd className="govuk-summary-list__value">{row.value}</dd>
        </div>
      ))}
    </dl>
  );
}

export function SummaryCard({ title, headingLevel = 2, children, id }: { title: ReactNode; headingLevel?: 2 | 3; children: ReactNode; id?: string }) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <div className="govuk-summary-card" id={id}>
      <div className="govuk-summary-card__title-wrapper">
        <Heading className="govuk-summary-card__title">{title}</Heading>
      </div>
      <div className="govuk-summary-card__content">{children}</div>
    </div>
  );
}
