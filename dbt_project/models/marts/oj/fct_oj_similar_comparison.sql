-- Where does each of our municipalities stand against its similar municipalities, and did it
-- improve? One row per region member × KPI × year (totals, sex T): the member's value, the
-- mean of its similar municipalities (Kolada's "Liknande kommuner IFO, <kommun>" group, the
-- unweighted mean of those with a value) and of the region's own Kolada group, the difference,
-- better or worse given the KPI's direction, and the change against the year before.
-- value_provenance is the weakest provenance of the figures in the row (value, similar-group and
-- region-group mean): 'generated' when any is generated, 'kolada-copy' when any is a third-party
-- copy of Kolada's values, else 'kolada'; similar_mean_method says whether Kolada gave the mean
-- or we computed it. status is Kolada's status of the member's value ('-', '.', '..').
with results as (
    select * from {{ ref('fct_oj_results') }} where is_region_member and sex = 'T'
),
groups as (select * from {{ ref('int_oj__comparison_groups') }}),
means as (select * from {{ ref('int_oj__group_means') }} where sex = 'T'),
similar_means as (
    select g.municipality_id, g.group_id, g.group_title, m.kpi_id, m.year,
           m.group_mean, m.group_reporting_count, m.mean_method, m.is_generated, m.is_copy
    from groups g join means m using (group_id)
    where g.comparison = 'similar'
),
region_means as (
    select g.municipality_id, g.group_id, m.kpi_id, m.year, m.group_mean, m.is_generated, m.is_copy
    from groups g join means m using (group_id)
    where g.comparison = 'region'
),
similar_of as (select * from groups where comparison = 'similar'),
compared as (
    select
        r.municipality_id,
        r.municipality_name,
        r.kpi_id,
        r.kpi_title,
        r.area,
        r.direction,
        r.unit,
        r.year,
        r.value,
        sg.group_id                                        as similar_group_id,
        sg.group_title                                     as similar_group_title,
        s.group_mean                                       as similar_group_mean,
        s.group_reporting_count                            as similar_group_reporting_count,
        s.mean_method                                      as similar_mean_method,
        round(r.value - s.group_mean, 6)                   as difference_to_similar_group,
        case
            when r.value is null or s.group_mean is null or r.direction = 'none' then null
            when r.value = s.group_mean then 'equal'
            when (r.direction = 'higher') = (r.value > s.group_mean) then 'better'
            else 'worse'
        end                                                as position_against_similar,
        g.group_id                                         as region_group_id,
        g.group_mean                                       as region_group_mean,
        round(r.value - g.group_mean, 6)                   as difference_to_region_group,
        r.previous_year_value,
        r.change_from_previous_year,
        r.change_assessment,
        r.is_generated or coalesce(s.is_generated, false) or coalesce(g.is_generated, false) as is_generated,
        r.value_provenance = 'kolada-copy' or coalesce(s.is_copy, false) or coalesce(g.is_copy, false) as is_copy,
        r.status
    from results r
    left join similar_of sg on sg.municipality_id = r.municipality_id
    left join similar_means s on s.municipality_id = r.municipality_id and s.kpi_id = r.kpi_id and s.year = r.year
    left join region_means g on g.municipality_id = r.municipality_id and g.kpi_id = r.kpi_id and g.year = r.year
)
select
    c.* exclude (is_copy, status),
    p.difference_to_similar_group                          as previous_year_difference_to_similar_group,
    -- did the gap to the similar municipalities close (better) or widen (worse), given the direction?
    case
        when c.difference_to_similar_group is null or p.difference_to_similar_group is null
          or c.direction = 'none' then null
        when c.difference_to_similar_group = p.difference_to_similar_group then 'unchanged'
        when (c.direction = 'higher') = (c.difference_to_similar_group > p.difference_to_similar_group) then 'better'
        else 'worse'
    end                                                    as change_against_similar,
    case when c.is_generated then 'generated' when c.is_copy then 'kolada-copy' else 'kolada' end
                                                           as value_provenance,
    c.is_copy,
    c.status
from compared c
left join compared p
    on p.municipality_id = c.municipality_id and p.kpi_id = c.kpi_id and p.year = c.year - 1
