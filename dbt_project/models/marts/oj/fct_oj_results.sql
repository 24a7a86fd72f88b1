-- Öppna jämförelser results, long form: one row per KPI × municipality × year × sex, for all
-- 290 municipalities (the quartiles are computed among all of them); is_region_member picks
-- the region's own. value_provenance says per row where the value comes from: 'kolada' (live),
-- 'kolada-copy' (real Kolada values through a third-party copy, not compared with kolada.se:
-- N31807 offline) or 'generated' (every other KPI offline; never official). comparison_provenance
-- says the same of the figures beside it (region median/min/max, county, Riket, similar-group
-- mean): the weakest provenance among the values they are made of.
-- similar_group_mean: for a region member, the mean of its similar municipalities (Kolada's
-- "Liknande kommuner IFO" group, int_oj__group_means); null for the other municipalities.
with ranked as (select * from {{ ref('int_oj__results_ranked') }}),
kpis as (select * from {{ ref('dim_kpi') }}),
members as (select municipality_code, county_code from {{ ref('stg_config__region_members') }}),
county as (select distinct '00' || county_code as county_id from members),  -- 01 → 0001 in Kolada
refs as (
    select
        v.kpi_id, v.year, v.sex,
        max(case when v.municipality_id in (select county_id from county) then v.value end) as county_value,
        max(case when v.municipality_id = '0000' then v.value end)                          as nation_value,
        bool_or(v.is_generated)                                                             as refs_generated,
        bool_or(v.is_copy)                                                                  as refs_copy
    from {{ ref('stg_kolada__values') }} v
    where v.municipality_id = '0000' or v.municipality_id in (select county_id from county)
    group by all
),
region as (
    select
        kpi_id, year, sex,
        count(value)                 as region_reporting_count,
        median(value)                as region_median,
        min(value)                   as region_min,
        max(value)                   as region_max,
        bool_or(is_generated) filter (where value is not null) as region_generated,
        bool_or(is_copy) filter (where value is not null)      as region_copy
    from ranked
    where is_region_member
    group by all
),
similar_means as (
    select c.municipality_id, m.kpi_id, m.year, m.sex, m.group_mean, m.is_generated, m.is_copy
    from {{ ref('int_oj__comparison_groups') }} c
    join {{ ref('int_oj__group_means') }} m using (group_id)
    where c.comparison = 'similar'
)
select
    r.kpi_id,
    k.kpi_title,
    k.area,
    r.direction,
    k.unit,
    r.year,
    r.sex,
    r.municipality_id,
    r.municipality_name,
    r.is_region_member,
    r.value,
    r.value is null                                           as did_not_report,
    r.rank_in_region,
    g.region_reporting_count,
    g.region_median,
    g.region_min,
    g.region_max,
    f.county_value,
    f.nation_value,
    -- rounded to 6 decimals: removes binary noise (88.3 − 87.1 = 1.2000000000000028), keeps every real digit
    round(r.value - f.nation_value, 6)                        as difference_to_nation,
    case r.direction
        when 'higher' then r.value > f.nation_value
        when 'lower'  then r.value < f.nation_value
    end                                                       as is_better_than_nation,
    p.value                                                   as previous_year_value,
    round(r.value - p.value, 6)                               as change_from_previous_year,
    case
        when r.value is null or p.value is null then null
        when r.value = p.value                  then 'unchanged'
        when r.direction = 'none'               then 'changed'
        when (r.direction = 'higher') = (r.value > p.value) then 'better'
        else 'worse'
    end                                                       as change_assessment,
    r.quartile,
    r.quartile_colour,
    r.municipalities_with_value,
    case when r.is_generated then 'generated' when r.is_copy then 'kolada-copy' else 'kolada' end
                                                              as value_provenance,
    r.is_generated,
    r.status,
    r.refreshed_at,
    r.is_stale,
    r.stale_reason,
    sg.group_mean                                             as similar_group_mean,
    round(r.value - sg.group_mean, 6)                         as difference_to_similar_group,
    case
        when coalesce(g.region_generated, false) or coalesce(f.refs_generated, false)
          or coalesce(sg.is_generated, false)                     then 'generated'
        when coalesce(g.region_copy, false) or coalesce(f.refs_copy, false)
          or coalesce(sg.is_copy, false)                          then 'kolada-copy'
        when g.region_generated is null and f.refs_generated is null
         and sg.is_generated is null                              then null  -- nothing to compare with
        else 'kolada'
    end                                                       as comparison_provenance,
    r.quarantine_reason
from ranked r
join kpis k using (kpi_id)
left join region g using (kpi_id, year, sex)
left join refs f using (kpi_id, year, sex)
left join ranked p
    on p.kpi_id = r.kpi_id and p.sex = r.sex and p.municipality_id = r.municipality_id and p.year = r.year - 1
left join similar_means sg
    on sg.municipality_id = r.municipality_id and sg.kpi_id = r.kpi_id and sg.year = r.year and sg.sex = r.sex
