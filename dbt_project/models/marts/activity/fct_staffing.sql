-- Staffing in full-time equivalents (årsarbetare) per year, role and funding.
with s as (select * from {{ ref('stg_records__staffing') }})
select
    year,
    role,
    funding,
    sum(fte)                   as fte,
    cast(sum(persons) as bigint) as persons,
    count(*)                   as n_rows,
    bool_or(is_example)        as contains_examples
from s
group by all
