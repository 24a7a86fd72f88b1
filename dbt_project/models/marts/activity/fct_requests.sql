-- Requests for assignments per year by origin (each member municipality, external, or
-- unknown for old totals), decision and line.
with r as (select * from {{ ref('stg_records__requests') }}),
members as (select municipality_code, municipality_name from {{ ref('stg_config__region_members') }})
select
    r.year,
    r.origin                                                   as origin_code,
    case r.origin when 'extern' then 'Extern (utanför regionen)'
                  when 'okänd' then 'Okänt ursprung'
                  else m.municipality_name end                 as origin_name,
    m.municipality_code is not null                            as is_region_member,
    r.decision,
    coalesce(r.line, 'ej angiven')                             as line,
    cast(sum(r.n_requests) as integer)                         as n_requests,
    cast(sum(case when r.is_example then r.n_requests else 0 end) as integer) as n_example_requests,
    bool_or(r.is_example)                                      as contains_examples
from r
left join members m on m.municipality_code = r.origin
group by all
