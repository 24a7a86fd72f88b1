-- Events and their evaluations: one row per event and evaluation question.
select
    year,
    event_date,
    event_name,
    event_type,
    participants,
    coalesce(question, '(ingen utvärdering)')                              as question,
    scale_max,
    respondents,
    (100.0 * respondents / nullif(participants, 0))                as response_rate_pct,
    mean_rating,
    median_rating,
    (100.0 * mean_rating / nullif(scale_max, 0))                   as mean_rating_pct_of_scale,
    share_agreeing_pct,
    share_partly_pct,
    source_document,
    is_example
from {{ ref('stg_records__events') }}
