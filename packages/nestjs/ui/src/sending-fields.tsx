import { describedBy, Field } from './form-field.js';

/** The form's sending settings: how a request is made, each a stored field of the endpoint. */
export interface Sending {
  method: 'GET' | 'POST';
  bodyFormat: 'json' | 'form' | 'xml';
  payloadFormat: 'full' | 'thin';
  traceHeaders: boolean;
}

/** How requests to the endpoint are made: method, body and payload formats, trace headers. */
export function SendingFields({
  sending,
  onChange,
  message,
}: {
  sending: Sending;
  onChange: (patch: Partial<Sending>) => void;
  message: (field: string) => string | undefined;
}) {
  const set = onChange;
  return (
    <>
      <div class="field-row">
        <Field id="endpoint-method" label="Method" message={message('method')}>
          <select
            {...describedBy('endpoint-method', message('method'))}
            name="method"
            value={sending.method}
            onChange={(e) => set({ method: e.currentTarget.value as Sending['method'] })}
          >
            <option value="POST">POST: the body</option>
            <option value="GET">GET: the fields in the query</option>
          </select>
        </Field>
        <Field id="endpoint-body-format" label="Body format" message={message('bodyFormat')}>
          <select
            {...describedBy('endpoint-body-format', message('bodyFormat'))}
            name="bodyFormat"
            value={sending.bodyFormat}
            onChange={(e) => set({ bodyFormat: e.currentTarget.value as Sending['bodyFormat'] })}
          >
            <option value="json">JSON</option>
            <option value="form">Form (x-www-form-urlencoded)</option>
            <option value="xml">XML</option>
          </select>
        </Field>
        <Field id="endpoint-payload-format" label="Payload" message={message('payloadFormat')}>
          <select
            {...describedBy('endpoint-payload-format', message('payloadFormat'))}
            name="payloadFormat"
            value={sending.payloadFormat}
            onChange={(e) => set({ payloadFormat: e.currentTarget.value as Sending['payloadFormat'] })}
          >
            <option value="full">Full: the whole event</option>
            <option value="thin">Thin: type and id only</option>
          </select>
        </Field>
      </div>
      <div class="field">
        <label>
          <input
            type="checkbox"
            name="traceHeaders"
            checked={sending.traceHeaders}
            onChange={(e) => set({ traceHeaders: e.currentTarget.checked })}
          />{' '}
          Send trace headers (traceparent, tracestate) when tracing is on
        </label>
      </div>
    </>
  );
}
