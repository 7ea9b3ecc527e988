import { useState, type FormEvent } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { ApiError } from '../api/client';
import { ErrorSummary, type ErrorItem } from '../components/ErrorSummary';
import { NotificationBanner } from '../components/NotificationBanner';
import { safeNext } from '../session/next';
import { useSession } from '../session/session';
import { useTitle } from '../title';

type Field = 'username' | 'password';

/** What the API's refusal means for the person at the form, and which field to look at. */
function errorsFrom(e: unknown): ErrorItem[] {
  if (!(e instanceof ApiError)) return [{ message: 'Sign-in failed. Try again.' }];
  switch (e.code) {
    case 'INVALID_CREDENTIALS':
      return [{ field: 'username', message: 'The username or password is not right. Check both and try again.' }];
    case 'VALIDATION_FAILED':
      return (e.problem.errors ?? []).map((f) => ({ ...(f.field === 'username' || f.field === 'password' ? { field: f.field } : {}), message: f.message }));
    case 'ACCOUNT_LOCKED':
    case 'LOGIN_THROTTLED':
    case 'RATE_LIMITED':
      return [{ field: 'username', message: e.problem.detail ?? e.problem.title }];
    default:
      return [{ message: e.problem.detail ?? e.problem.title }];
  }
}

export function SignInPage() {
  const { session, signIn } = useSession();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<ErrorItem[]>([]);
  const [busy, setBusy] = useState(false);
  useTitle('Sign in', errors.length > 0);

  const next = safeNext(params.get('next'));
  if (session.state === 'signed-in' && !busy) return <Navigate to={next} replace />;

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const missing: ErrorItem[] = [];
    if (username.trim() === '') missing.push({ field: 'username', message: 'Enter your username' });
    if (password === '') missing.push({ field: 'password', message: 'Enter your password' });
    if (missing.length > 0) {
      setErrors(missing);
      return;
    }
    setBusy(true);
    signIn(username.trim(), password).then(
      () => navigate(next, { replace: true }),
      (e: unknown) => {
        setBusy(false);
        setPassword('');
        setErrors(errorsFrom(e));
      },
    );
  };

  const errorFor = (field: Field) => errors.find((e) => e.field === field);
  const ended = params.get('ended');

  return (
    <div className="govuk-grid-row">
      <div className="govuk-grid-column-two-thirds">
        <ErrorSummary errors={errors} />
        {ended === 'expired' && errors.length === 0 ? <NotificationBanner heading="Your session has ended. Sign in again to carry on." /> : null}
        {ended === 'signed-out' && errors.length === 0 ? <NotificationBanner success title="Signed out" heading="You have signed out." /> : null}
        <h1 className="govuk-heading-l">Sign in to Safekeep</h1>
        <form noValidate onSubmit={onSubmit}>
          <FieldInput id="username" label="Username" value={username} onChange={setUsername} error={errorFor('username')?.message} autoComplete="username" />
          <FieldInput id="password" label="Password" type="password" value={password} onChange={setPassword} error={errorFor('password')?.message} autoComplete="current-password" />
          <button type="submit" className="govuk-button" disabled={busy} aria-disabled={busy}>
            Sign in
          </button>
        </form>
      </div>
    </div>
  );
}

function FieldInput(props: { id: Field; label: string; value: string; onChange: (v: string) => void; error: string | undefined; type?: string; autoComplete: string }) {
  const errorId = `${props.id}-error`;
  return (
    <div className={`govuk-form-group${props.error !== undefined ? ' govuk-form-group--error' : ''}`}>
      <label className="govuk-label" htmlFor={props.id}>
        {props.label}
      </label>
      {props.error !== undefined ? (
        <p id={errorId} className="govuk-error-message">
          <span className="govuk-visually-hidden">Error:</span> {props.error}
        </p>
      ) : null}
      <input
        className={`govuk-input govuk-!-width-two-thirds${props.error !== undefined ? ' govuk-input--error' : ''}`}
        id={props.id}
        name={props.id}
        type={props.type ?? 'text'}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        autoComplete={props.autoComplete}
        spellCheck={false}
        autoCapitalize="none"
        {...(props.error !== undefined ? { 'aria-describedby': errorId } : {})}
      />
    </div>
  );
}
