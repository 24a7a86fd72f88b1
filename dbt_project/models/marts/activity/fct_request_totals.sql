-- Requests per year: total, by decision and by origin, with change on the previous year.
with r as (select * from {{ ref('stg_records__requests') }}),
members as (select municipality_code from {{ ref('stg_config__region_members') }}),
per_year as (
    select
        r.year,
        cast(sum(n_requests) as integer)                                       as n_requests,
        cast(sum(case when decision = 'ja' then n_requests else 0 end) as integer)             as n_yes,
        cast(sum(case when decision = 'nej' then n_requests else 0 end) as integer)            as n_no,
        cast(sum(case when decision = 'pågående' then n_requests else 0 end) as integer)       as n_pending,
        cast(sum(case when decision = 'okänt' then n_requests else 0 end) as integer)          as n_decision_unknown,
        cast(sum(case when m.municipality_code is not null then n_requests else 0 end) as integer) as n_from_region_members,
        cast(sum(case when origin = 'extern' then n_requests else 0 end) as integer)           as n_external,
        cast(sum(case when origin = 'okänd' then n_requests else 0 end) as integer)            as n_origin_unknown,
        count(distinct m.municipality_code)                                    as n_member_municipalities_requesting,
        cast(sum(case when is_example then n_requests else 0 end) as integer)                  as n_example_requests
    from r left join members m on m.municipality_code = r.origin
    group by r.year
)
select
    y.*,
    p.n_requests                                                            as previous_year_n_requests,
    y.n_requests - p.n_requests                                             as change_on_previous_year,
    (100.0 * (y.n_requests - p.n_requests) / nullif(p.n_requests, 0)) as change_on_previous_year_pct,
    y.n_example_requests > 0                                                as contains_examples
from per_year y
left join per_year p on p.year = y.year - 1
