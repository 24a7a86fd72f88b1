-- One row per SCB population cell, codes made readable. raw.scb_population_cells holds the
-- current version of each cell (the loader replaces the cells a newer answer covers; every
-- answer stays in the landing area), so this is a plain projection.
with cells as (
    select
        c.table_id,
        c.region                                   as region_code,
        cast(c.tid as integer)                     as year,
        case c.kon when '1' then 'men' when '2' then 'women' else 'total' end as sex,
        case
            when c.alder is null or c.alder in ('tot', 'TotSA') then 'total'
            when c.alder in ('100+', '100+1') then '100'
            else c.alder
        end                                        as age_code,
        coalesce(c.civilstand, 'SC')               as civil_status,
        c.contents_code,
        c.value                                    as population,
        f.source_mode,
        f.fetched_at,
        c.sha256
    from {{ source('scb', 'scb_population_cells') }} c
    join {{ source('scb', 'landing_files') }} f using (sha256)
    where c.value is not null   -- no figure: the municipality did not exist that year
)
select
    *,
    table_id = 'TAB5557' as is_cell_key_method,
    try_cast(age_code as integer) as age_years
from cells
where age_code = 'total' or try_cast(age_code as integer) is not null   -- drop 5- and 10-year groups
