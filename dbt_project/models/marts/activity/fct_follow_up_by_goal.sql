-- Assignments and activities per year by goal, area and line, with change on the previous
-- year. Years are those with records of that item type; a combination absent in a recorded
-- year counts 0, while an unrecorded previous year gives null change (no data is not zero).
with items as (
    select distinct item_type, item_id, year, goal, area, line, is_example
    from {{ ref('int_follow_up_items_by_municipality') }}
),
counts as (
    select item_type, year, goal, area, line,
           count(distinct item_id)                              as n_items,
           count(distinct case when is_example then item_id end) as n_example_items
    from items group by all
),
recorded_years as (select distinct item_type, year from items),
combos as (select distinct item_type, goal, area, line from items),
grid as (
    select c.item_type, y.year, c.goal, c.area, c.line
    from combos c join recorded_years y using (item_type)
),
filled as (
    select g.*, coalesce(n.n_items, 0) as n_items, coalesce(n.n_example_items, 0) as n_example_items,
           exists (select 1 from recorded_years r where r.item_type = g.item_type and r.year = g.year - 1)
               as previous_year_recorded
    from grid g left join counts n using (item_type, year, goal, area, line)
)
select
    f.year,
    f.item_type,
    f.goal,
    f.area,
    f.line,
    f.n_items,
    case when f.previous_year_recorded then coalesce(p.n_items, 0) end            as previous_year_n_items,
    case when f.previous_year_recorded then f.n_items - coalesce(p.n_items, 0) end as change_on_previous_year,
    case when f.previous_year_recorded and coalesce(p.n_items, 0) > 0
         then (100.0 * (f.n_items - p.n_items) / p.n_items) end          as change_on_previous_year_pct,
    f.n_example_items,
    f.n_example_items > 0                                                        as contains_examples
from filled f
left join filled p
  on p.item_type = f.item_type and p.goal = f.goal and p.area = f.area and p.line = f.line
 and p.year = f.year - 1
