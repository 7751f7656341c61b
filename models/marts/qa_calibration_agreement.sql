-- agreement (metrics.md): one row per scope and criterion, where a scope is a
-- calibration session (session_id) or '(reviews)' for ordinary reviews of
-- conversations graded by two or more reviewers. Krippendorff's alpha
-- (ordinal) on the ratings' points, computed as in "Computing Krippendorff's
-- Alpha-Reliability" (coincidences within units; SCORING.md §4; the same
-- arithmetic as scorecards/krippendorff.ts), and the share of exact matches
-- over pairs of ratings of the same conversation. N/A ratings are missing
-- values; benchmarks are the answer key, not a rater, and are left out.
with ratings as (
  select
    coalesce(r.session_id, '(reviews)') as scope,
    r.rubric_id,
    r.rubric_version,
    k.criterion_id,
    r.source,
    r.conversation_id,
    k.points as value
  from qa_reviews as r
  join qa_review_criteria as k
    on k.review_id = r.review_id
  where r.kind in ('calibration', 'review')
    and not k.na
),

-- units: a conversation rated two or more times on the criterion
units as (
  select
    scope,
    rubric_id,
    rubric_version,
    criterion_id,
    source,
    conversation_id,
    count(*) as m
  from ratings
  group by all
  having count(*) >= 2
),

value_counts as (
  select
    r.scope,
    r.rubric_id,
    r.rubric_version,
    r.criterion_id,
    r.source,
    r.conversation_id,
    u.m,
    r.value,
    count(*) as n_uv
  from ratings as r
  join units as u
    using (scope, rubric_id, rubric_version, criterion_id, source, conversation_id)
  group by all
),

-- o_ck: each ordered pair of values from different raters in a unit adds 1 / (m − 1)
coincidences as (
  select
    a.scope,
    a.rubric_id,
    a.rubric_version,
    a.criterion_id,
    a.value as c,
    b.value as k,
    sum(case when a.value = b.value then a.n_uv * (a.n_uv - 1) else a.n_uv * b.n_uv end / (a.m - 1)) as o
  from value_counts as a
  join value_counts as b
    using (scope, rubric_id, rubric_version, criterion_id, source, conversation_id)
  group by all
),

marginals as (
  select
    scope,
    rubric_id,
    rubric_version,
    criterion_id,
    c as value,
    sum(o) as n_c
  from coincidences
  group by all
),

cumulative as (
  select
    *,
    sum(n_c) over (partition by scope, rubric_id, rubric_version, criterion_id order by value) as cum
  from marginals
),

-- ordinal δ²(c, k) = (Σ_{g from c to k} n_g − (n_c + n_k) / 2)²
distances as (
  select
    x.scope,
    x.rubric_id,
    x.rubric_version,
    x.criterion_id,
    x.value as c,
    y.value as k,
    x.n_c,
    y.n_c as n_k,
    power(
      greatest(x.cum, y.cum) - least(x.cum, y.cum) + case when x.value <= y.value then x.n_c else y.n_c end
        - (x.n_c + y.n_c) / 2,
      2
    ) as d2
  from cumulative as x
  join cumulative as y
    using (scope, rubric_id, rubric_version, criterion_id)
),

disagreement as (
  select
    d.scope,
    d.rubric_id,
    d.rubric_version,
    d.criterion_id,
    sum(coalesce(o.o, 0) * d.d2) as observed,
    sum(d.n_c * d.n_k * d.d2) as expected,
    -- n: the total of the marginals, read off the diagonal rows
    sum(case when d.c = d.k then d.n_c else 0 end) as n
  from distances as d
  left join coincidences as o
    on o.scope = d.scope
    and o.rubric_id = d.rubric_id
    and o.rubric_version = d.rubric_version
    and o.criterion_id = d.criterion_id
    and o.c = d.c
    and o.k = d.k
  group by all
),

matches as (
  select
    scope,
    rubric_id,
    rubric_version,
    criterion_id,
    count(distinct (source, conversation_id)) as units,
    sum(n_uv) as ratings,
    sum(n_uv * (n_uv - 1) / 2) as equal_pairs,
    sum(n_uv * (m - 1) / 2) as all_pairs
  from value_counts
  group by all
)

select
  m.scope,
  m.rubric_id,
  m.rubric_version,
  m.criterion_id,
  m.units,
  m.ratings,
  case when g.expected > 0 then 1 - (g.n - 1) * g.observed / g.expected end as alpha_ordinal,
  m.equal_pairs / m.all_pairs as exact_match_share
from matches as m
join disagreement as g
  using (scope, rubric_id, rubric_version, criterion_id)
