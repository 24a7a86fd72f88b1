-- Each assignment (uppdrag) and activity (aktivitet) of a year by name, with its member
-- municipalities by name: the named work per goal behind the counts of fct_follow_up_by_goal.
-- One row per year, item type, item and goal (an assignment under two goals has two rows).
-- Area and line are null where the record leaves them empty.
with items as (
    select 'uppdrag' as item_type, assignment_id as item_id, year, goal, assignment_name as item_name,
           municipality_codes, area, line, is_example, source_document
    from {{ ref('stg_records__assignments') }}
    union all
    select 'aktivitet', activity_id, year, goal, activity_name,
           municipality_codes, area, line, is_example, source_document
    from {{ ref('stg_records__activities') }}
),
members as (select municipality_code, municipality_name from {{ ref('stg_config__region_members') }}),
names as (
    select i.item_type, i.item_id, i.year, i.goal,
           string_agg(m.municipality_name, ', ' order by m.municipality_name) as municipality_names
    from items i
    join members m on list_contains(string_split(i.municipality_codes, ','), m.municipality_code)
    group by all
)
select
    i.year,
    i.item_type,
    i.goal,
    i.item_name,
    n.municipality_names,
    i.area,
    i.line,
    i.is_example,
    i.source_document,
    i.item_id
from items i
left join names n using (item_type, item_id, year, goal)
