import type { ApiError } from '../api/client';

/** While a request is on its way; announced politely to screen readers. */
export function Loading({ what }: { what: string }) {
  return (
    <p className="govuk-body" role="status">
      Loading {what}…
    </p>
  );
}

/** A request that failed, in words: what the API said (its problem+json title and detail). */
export function Failed({ error, what }: { error: ApiError; what: string }) {
  const message =
    error.status === 403 ? `You do not have access to ${what}.` : error.status === 404 ? `There is no ${what} here.` : error.status === 0 ? error.problem.title : `Could not load ${what}.`;
  return (
    <div className="govuk-inset-text" role="status">
      <p className="govuk-body">{message}</p>
      {error.problem.detail !== undefined ? <p className="govuk-body-s">{error.problem.detail}</p> : null}
    </div>
  );
}
