-- A comparison group's value per KPI × year × sex, the way Kolada gives it: the unweighted mean
-- of the group's members that have a value. Live, Kolada's own group value is used (its G id
-- in the municipality segment, mean_method 'kolada'); where there is none, e.g. offline from
-- the bundled snapshot, the same mean is computed here from the members' values (mean_method
-- 'computed'). is_generated is true when any value behind the mean is generated, is_copy when
-- any is a third-party copy of Kolada's; value_provenance names the weakest of them.
with comparison as (select distinct group_id from {{ ref('int_oj__comparison_groups') }}),
config as (select kpi_id from {{ ref('stg_kolada__oj_kpi_config') }}),
values_all as (select * from {{ ref('stg_kolada__values') }}),
from_kolada as (
    select
        v.group_id, v.kpi_id, v.year, v.sex,
        v.value as group_mean, v.member_count as group_reporting_count,
        'kolada' as mean_method, v.is_generated, v.is_copy
    from {{ ref('stg_kolada__group_values') }} v
    join comparison c using (group_id)
    join config using (kpi_id)
    where v.value is not null
),
members as (
    select distinct g.group_id, g.municipality_id
    from {{ ref('stg_kolada__group_members') }} g
    join comparison c using (group_id)
),
computed as (
    select
        m.group_id, v.kpi_id, v.year, v.sex,
        round(avg(v.value), 6) as group_mean,  -- 6 decimals, as Kolada's group values; deterministic
        count(v.value)      as group_reporting_count,
        'computed'          as mean_method,
        bool_or(v.is_generated) as is_generated,
        bool_or(v.is_copy)  as is_copy
    from members m
    join values_all v using (municipality_id)
    join config using (kpi_id)
    where v.value is not null
    group by all
),
means as (
    select * from from_kolada
    union all
    select c.* from computed c
    anti join from_kolada k using (group_id, kpi_id, year, sex)
)
select
    *,
    case when is_generated then 'generated' when is_copy then 'kolada-copy' else 'kolada' end as value_provenance
from means
