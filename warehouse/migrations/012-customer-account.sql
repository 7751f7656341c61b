-- Metrics version 2 (issue 14): the customer's company or account
-- (conversation-format.md `customer.account`), for the account grouping and
-- the customer_metrics mart. Appended last: the loader writes it after `line`.
alter table raw_conversations add column customer_account varchar;
