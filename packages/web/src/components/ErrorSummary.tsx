import { useEffect, useRef, type MouseEvent } from 'react';

export interface ErrorItem {
  /** The id of the field the error is about; the summary links to it. */
  field?: string;
  message: string;
}

/**
 * The GOV.UK error summary: takes focus when it appears (so screen readers announce it),
 * and each item moves focus to its field, as govuk-frontend's own script does.
 */
export function ErrorSummary({ errors }: { errors: ErrorItem[] }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (errors.length > 0) ref.current?.focus();
  }, [errors]);
  if (errors.length === 0) return null;

  const goTo = (event: MouseEvent<HTMLAnchorElement>, field: string) => {
    const input = document.getElementById(field);
    if (input === null) return;
    event.preventDefault();
    input.focus();
    (document.querySelector(`label[for="${CSS.escape(field)}"]`) ?? input).scrollIntoView();
  };

  return (
    <div className="govuk-error-summary" ref={ref} tabIndex={-1}>
      <div role="alert">
        <h2 className="govuk-error-summary__title">There is a problem</h2>
        <div className="govuk-error-summary__body">
          <ul className="govuk-list govuk-error-summary__list">
            {errors.map((e, i) => (
              <li key={i}>
                {e.field !== undefined ? (
                  <a href={`#${e.field}`} onClick={(event) => goTo(event, e.field ?? '')}>
                    {e.message}
                  </a>
                ) : (
                  e.message
                )}
              </li>
            ))}
          </ul>
        </div>
      </div>
    </div>
  );
}
