-- Assignments and activities per year and member municipality (an item involving several
-- municipalities counts once for each), per 10 000 inhabitants (SCB population on 31 December
-- of the year, or the latest year SCB has when the year is not yet published), with change
-- on the previous year. An assignment listed under two goals counts once here. Items for
-- external audiences only are in fct_follow_up_by_goal.
with items as (
    select * from {{ ref('int_follow_up_items_by_municipality') }} where municipality_code is not null
),
members as (select municipality_code, municipality_name from {{ ref('stg_config__region_members') }}),
recorded_years as (select distinct item_type, year from {{ ref('int_follow_up_items_by_municipality') }}),
grid as (
    select y.item_type, y.year, m.municipality_code, m.municipality_name
    from recorded_years y cross join members m
),
counts as (
    select item_type, year, municipality_code,
           count(distinct item_id)                                             as n_items,
           count(distinct case when is_example then item_id end)              as n_example_items
    from items group by all
),
population as (
    select region_code, year, population
    from {{ ref('fct_population') }}
    where sex = 'total' and age_band = 'total'
),
filled as (
    select g.*, coalesce(c.n_items, 0) as n_items, coalesce(c.n_example_items, 0) as n_example_items,
           (select max(p.year) from population p
             where p.region_code = g.municipality_code and p.year <= g.year) as population_year
    from grid g left join counts c using (item_type, year, municipality_code)
)
select
    f.year,
    f.item_type,
    f.municipality_code,
    f.municipality_name,
    f.n_items,
    pop.population,
    f.population_year,
    (10000.0 * f.n_items / pop.population)                              as items_per_10000_inhabitants,
    prev.n_items                                                                as previous_year_n_items,
    f.n_items - prev.n_items                                                    as change_on_previous_year,
    case when prev.n_items > 0 then (100.0 * (f.n_items - prev.n_items) / prev.n_items) end
                                                                                as change_on_previous_year_pct,
    f.n_example_items,
    f.n_example_items > 0                                                       as contains_examples
from filled f
left join population pop on pop.region_code = f.municipality_code and pop.year = f.population_year
left join filled prev
  on prev.item_type = f.item_type and prev.municipality_code = f.municipality_code and prev.year = f.year - 1
