-- Scheduled work of `parley serve` (issue 13): the `jobs` of parley.config.yaml.
-- job_log: one row per run of a job (scheduled, started from the Data page,
-- `parley jobs run`, or an upload): what ran, when, for how long, what it
-- loaded and refused (records, as `parley ingest --json` counts them), and why
-- it failed in one line. `status` is 'ok' or 'failed'.
-- loaded_files: what the folder jobs and uploads have loaded, so that each
-- file is loaded once: `checksum` is the SHA-256 of a file's bytes (a renamed
-- copy has the same one), or `sync:<folder>:<time>` for a table folder
-- (Fivetran/Airbyte), which is loaded again when a file in it is newer.

create table job_log (
  job_id integer not null,
  name varchar not null,
  kind varchar not null,
  started_at timestamptz not null,
  seconds double not null,
  status varchar not null,
  files integer not null,
  loaded integer not null,
  refused integer not null,
  detail varchar,
  error varchar
);

create table loaded_files (
  checksum varchar not null,
  file varchar not null,
  job varchar not null,
  loaded_at timestamptz not null
);
