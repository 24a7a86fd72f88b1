-- Every assignment (uppdrag) per year and goal as recorded, with the member municipalities by
-- name. One row per assignment, year and goal (an assignment under two goals has two rows).
with a as (select * from {{ ref('stg_records__assignments') }}),
members as (select municipality_code, municipality_name from {{ ref('stg_config__region_members') }}),
names as (
    select a.assignment_id, a.year, a.goal,
           string_agg(m.municipality_name, ', ' order by m.municipality_name) as municipality_names,
           count(m.municipality_code)                                          as n_municipalities
    from a
    left join members m on list_contains(string_split(a.municipality_codes, ','), m.municipality_code)
    group by all
)
select
    a.year,
    a.assignment_id,
    a.goal,
    a.assignment_name,
    a.goal_in_source,
    coalesce(a.area, 'ej angivet')  as area,
    coalesce(a.line, 'ej angiven')  as line,
    a.municipality_codes,
    n.municipality_names,
    n.n_municipalities,
    a.other_parties,
    a.is_externally_funded,
    a.responsible,
    a.source_document,
    a.is_example,
    a.record_file
from a join names n using (assignment_id, year, goal)
