-- Communication figures per year, channel, metric and subject, with growth against the latest
-- earlier year that has the same figure (previous_year says which; the sources skip years).
with c as (select * from {{ ref('stg_records__communication') }}),
ordered as (
    select *,
           lag(year)  over w as previous_year,
           lag(value) over w as previous_value
    from c
    window w as (partition by channel, metric, subject order by year)
)
select
    year,
    channel,
    metric,
    subject,
    value,
    is_approximate,
    period,
    previous_year,
    previous_value,
    year - previous_year                                                 as years_between,
    value - previous_value                                               as change,
    (100.0 * (value - previous_value) / nullif(previous_value, 0)) as change_pct,
    quoted_change_pct,
    source_document,
    is_example
from ordered
