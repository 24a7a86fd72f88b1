-- Events per year: how many, participants and evaluation respondents, with growth against the
-- latest earlier year with recorded events.
with e as (select * from {{ ref('stg_records__events') }}),
per_event as (
    select year, event_name, max(participants) as participants, max(respondents) as respondents,
           bool_or(question is not null) as is_evaluated, bool_or(is_example) as is_example
    from e group by all
),
per_year as (
    select year,
           count(*)                                      as n_events,
           count(*) filter (where is_evaluated)          as n_evaluated_events,
           cast(sum(participants) as bigint)             as n_participants,
           count(participants)                           as n_events_with_participants,
           cast(sum(respondents) as bigint)              as n_respondents,
           bool_or(is_example)                           as contains_examples
    from per_event group by year
)
select
    year,
    n_events,
    n_evaluated_events,
    n_participants,
    n_events_with_participants,
    n_respondents,
    lag(year) over (order by year)                                       as previous_year,
    lag(n_events) over (order by year)                                   as previous_n_events,
    n_events - lag(n_events) over (order by year)                        as change_n_events,
    contains_examples
from per_year
