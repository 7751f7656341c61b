-- Fired alerts (issue 19 item 2): one row per rule and condition and period,
-- written when the rules of parley.config.yaml's `alerts:` are evaluated
-- after a build or a job (alerts/evaluate.ts). `alert_key` is
-- rule + condition + period (`fcr-low:fcr_rate:2026-11`): an alert whose key
-- is here already is not fired or sent again. `href` is the dashboard view
-- that explains it. `webhook_sent_at` / `email_sent_at` are set once the
-- webhook or the e-mail took it (null: not configured, or not yet sent —
-- tried again after the next build); `send_error` is the last failure in one line.

create table alerts (
  alert_key varchar not null,
  rule varchar not null,
  kind varchar not null,
  period varchar not null,
  title varchar not null,
  detail varchar not null,
  href varchar not null,
  fired_at timestamptz not null,
  webhook_sent_at timestamptz,
  email_sent_at timestamptz,
  send_error varchar
);
