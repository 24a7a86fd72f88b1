-- One row per SCB population cell, codes made readable. raw.scb_population_cells holds the
-- current version of each cell (the loader replaces the cells a newer answer covers; every
-- answer stays in the landing area), so this is a plain projection. DuckDB lets a column use
-- an alias made earlier in the same select (age_years from age_code) and the where clause too.
with source as (
    select * from {{ source('scb', 'scb_population_cells') }}
),

landing_files as (
    select * from {{ source('scb', 'landing_files') }}
),

renamed as (
    select
        -- the cell
        c.table_id,
        c.region                                   as region_code,
        cast(c.tid as integer)                     as year,
        {{ scb_sex('c.kon') }} as sex,
        case
            when c.alder is null or c.alder in ('tot', 'TotSA') then 'total'
            when c.alder in ('100+', '100+1') then '100'
            else c.alder
        end                                        as age_code,
        coalesce(c.civilstand, 'SC')               as civil_status,
        c.contents_code,
        -- the figure
        c.value                                    as population,
        -- provenance
        f.source_mode,
        f.fetched_at,
        c.sha256,
        -- derived
        c.table_id = 'TAB5557'                     as is_cell_key_method,
        try_cast(age_code as integer)              as age_years
    from source c
    join landing_files f using (sha256)
    where c.value is not null   -- no figure: the municipality did not exist that year
      and (age_code = 'total' or age_years is not null)   -- drop 5- and 10-year groups
)

select * from renamed
