import type { ComponentChildren } from 'preact';

/**
 * The attributes tying an input to the API's words about it: `aria-invalid` and `aria-describedby` pointing at the
 * message shown under it (and at a hint, if any), so a screen reader reads the reason with the field.
 */
export function describedBy(id: string, message: string | undefined, hint = false) {
  const ids = [hint && `${id}-hint`, message !== undefined && `${id}-error`].filter(Boolean).join(' ');
  return {
    id,
    'aria-invalid': message !== undefined ? ('true' as const) : undefined,
    'aria-describedby': ids || undefined,
  };
}

/** `describedBy` for a group of inputs (a fieldset): the reason tied to it, `aria-invalid` left to its inputs. */
export function describedGroup(id: string, message: string | undefined) {
  const { 'aria-invalid': _, ...rest } = describedBy(id, message);
  return rest;
}

/** A labelled field: its label, the input (given `describedBy(id, message)`), a hint and the error under it. */
export function Field({
  id,
  label,
  message,
  hint,
  children,
}: {
  id: string;
  label: string;
  message: string | undefined;
  hint?: ComponentChildren;
  children: ComponentChildren;
}) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {children}
      {hint && (
        <p class="muted hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      <FieldError id={id} message={message} />
    </div>
  );
}

/** The API's (or the page's) reason a field was refused, under the field. */
export function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (message === undefined) return null;
  return (
    <p class="error field-error" id={`${id}-error`} data-testid={`${id}-error`}>
      {message}
    </p>
  );
}
