import type { ReactNode } from 'react';

export type TagColour = 'grey' | 'green' | 'turquoise' | 'teal' | 'purple' | 'magenta' | 'pink' | 'red' | 'orange' | 'yellow' | 'blue';

/** The GOV.UK tag. Blue is the default colour (no modifier). */
export function Tag({ colour = 'blue', children, className }: { colour?: TagColour; children: ReactNode; className?: string }) {
  const classes = ['govuk-tag', colour === 'blue' ? '' : `govuk-tag--${colour}`, className ?? ''].filter((c) => c !== '').join(' ');
  return <strong className={classes}>{children}</strong>;
}

/** R13: shown wherever a hold covers a record, even past its destruction date. */
export function DoNotDestroyTag() {
  return (
    <Tag colour="red" className="sk-tag--one-line">
      DO NOT DESTROY
    </Tag>
  );
}

/** R15: a retention rule the research behind the default schedule could not confirm. */
export function UnverifiedTag() {
  return <Tag colour="orange">Unverified</Tag>;
}
