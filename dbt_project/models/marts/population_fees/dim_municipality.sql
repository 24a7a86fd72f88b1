-- Every region SCB knows (country, counties, municipalities), with membership of the
-- configured region. Codes are text with leading zeros.
with regions as (select * from {{ ref('stg_scb__regions') }}),
members as (select * from {{ ref('stg_config__region_members') }})
select
    r.region_code                                           as municipality_code,
    regexp_replace(r.region_name, ' kommun$', '')           as municipality_name,
    case length(r.region_code) when 4 then 'kommun'
         else case when r.region_code = '00' then 'riket' else 'län' end end as region_type,
    case when length(r.region_code) = 4 then left(r.region_code, 2) end as county_code,
    c.region_name                                           as county_name,
    m.municipality_code is not null                         as is_region_member,
    m.region_name                                           as member_of_region
from regions r
left join regions c on c.region_code = left(r.region_code, 2) and length(r.region_code) = 4
left join members m on m.municipality_code = r.region_code
