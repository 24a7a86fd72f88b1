-- Every municipality for every KPI, year and sex that has at least one municipal value, so a
-- municipality that did not report gets a row (value null) instead of vanishing. A value Kolada
-- sends with a status ('-' bortfall, '.' ej tillämpligt, '..' sekretess) and no number keeps its
-- status; a quarantined cell (not a number) has no value and its quarantine_reason.
with config as (select * from {{ ref('stg_kolada__oj_kpi_config') }}),
municipalities as (
    select municipality_id, municipality_name
    from {{ ref('stg_kolada__municipalities') }}
    where municipality_type = 'K'
),
members as (select municipality_code from {{ ref('stg_config__region_members') }}),
values_k as (
    select v.*
    from {{ ref('stg_kolada__values') }} v
    join municipalities m using (municipality_id)
    join config c using (kpi_id)
),
slices as (  -- KPI × year × sex with data; provenance of the slice for rows without a value
    select
        kpi_id, year, sex, bool_or(is_generated) as slice_is_generated, bool_or(is_copy) as slice_is_copy,
        bool_or(is_stale) as slice_is_stale, max(stale_reason) as slice_stale_reason
    from values_k
    group by all
),
quarantine as (select * from {{ ref('stg_kolada__quarantine') }})
select
    s.kpi_id,
    s.year,
    s.sex,
    m.municipality_id,
    m.municipality_name,
    mem.municipality_code is not null          as is_region_member,
    c.direction,
    v.value,
    v.status,
    coalesce(v.is_generated, s.slice_is_generated) as is_generated,
    coalesce(v.is_copy, s.slice_is_copy)       as is_copy,
    v.refreshed_at,
    coalesce(v.is_stale, s.slice_is_stale)     as is_stale,
    coalesce(v.stale_reason, s.slice_stale_reason) as stale_reason,
    -- a cell whose latest answer was not a number has no value, and says why
    case when v.value is null then q.quarantine_reason end as quarantine_reason
from slices s
join config c using (kpi_id)
cross join municipalities m
left join members mem on mem.municipality_code = m.municipality_id
left join values_k v
    on v.kpi_id = s.kpi_id and v.year = s.year and v.sex = s.sex and v.municipality_id = m.municipality_id
left join quarantine q
    on q.kpi_id = s.kpi_id and q.year = s.year and q.sex = s.sex and q.municipality_id = m.municipality_id
