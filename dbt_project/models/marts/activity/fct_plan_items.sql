-- The plan (verksamhetsplan) of each year, one row per planned item in the record file's order
-- (position 1 first; files in load order, rows in file order), with the member municipalities
-- by name in the order the file names them. Goal is null for fokus (the intake allows no goal
-- there); status, condition, date and network level only where the plan gives them.
with p as (select * from {{ ref('stg_records__plan') }}),
members as (select municipality_code, municipality_name from {{ ref('stg_config__region_members') }}),
ordered as (
    select *,
           row_number() over (partition by plan_year
                              order by record_file_loaded_at, record_file, source_row) as position
    from p
),
codes as (
    select plan_year, position,
           unnest(string_split(municipality_codes, ','))                as municipality_code,
           generate_subscripts(string_split(municipality_codes, ','), 1) as n
    from ordered
    where municipality_codes is not null
),
names as (
    select c.plan_year, c.position,
           string_agg(m.municipality_name, ', ' order by c.n) as municipality_names
    from codes c join members m using (municipality_code)
    group by all
)
select
    o.plan_year,
    cast(o.position as integer)                          as position,
    case when o.kind <> 'fokus' then o.goal end          as goal,
    o.kind,
    o.title,
    n.municipality_names,
    o.status,
    o.condition,
    o.event_date,
    o.network_level,
    o.source_document,
    o.record_file
from ordered o
left join names n using (plan_year, position)
