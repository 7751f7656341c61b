-- A reviewer's unfinished grading of a sample item: the form as it was
-- (ratings and comments given so far, as JSON text), so that the reviewer
-- can leave and reopen it. One per reviewer and item; removed when the
-- review is saved. Drafts never count anywhere.
create table qa_review_drafts (
  sample_id varchar not null,
  position integer not null,
  reviewer_id varchar not null,
  form varchar not null,
  saved_at timestamptz not null,
  primary key (sample_id, position, reviewer_id)
);
