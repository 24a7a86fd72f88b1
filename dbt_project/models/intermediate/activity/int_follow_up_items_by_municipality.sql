-- Assignments and activities as one list of follow-up items, one row per item and municipality
-- it involves ('samtliga' was expanded to every member on intake). An item with no member
-- municipality (external audiences only) keeps one row with municipality_code null.
-- An assignment listed under two goals is two items (one per goal), as in the plan.
with items as (
    select 'uppdrag' as item_type, assignment_id as item_id, year, goal, area, line,
           municipality_codes, is_example
    from {{ ref('stg_records__assignments') }}
    union all
    select 'aktivitet', activity_id, year, goal, area, line, municipality_codes, is_example
    from {{ ref('stg_records__activities') }}
)
select
    item_type,
    item_id,
    year,
    goal,
    coalesce(area, 'ej angivet')  as area,
    coalesce(line, 'ej angiven')  as line,
    unnest(case when municipality_codes is null then [null::varchar]
                else string_split(municipality_codes, ',') end) as municipality_code,
    is_example
from items
