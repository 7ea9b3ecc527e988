import { useId, type ReactNode } from 'react';

/** The GOV.UK notification banner: "Important" (blue) or a success (green, announced). */
export function NotificationBanner({ title = 'Important', heading, children, success = false }: { title?: string; heading: ReactNode; children?: ReactNode; success?: boolean }) {
  const id = useId();
  return (
    <div className={`govuk-notification-banner${success ? ' govuk-notification-banner--success' : ''}`} role={success ? 'alert' : 'region'} aria-labelledby={id}>
      <div className="govuk-notification-banner__header">
        <h2 className="govuk-notification-banner__title" id={id}>
          {title}
        </h2>
      </div>
      <div className="govuk-notification-banner__content">
        <p className="govuk-notification-banner__heading">{heading}</p>
        {children}
      </div>
    </div>
  );
}
