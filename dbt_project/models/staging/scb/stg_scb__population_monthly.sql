-- One row per cell of SCB's monthly population (TAB6471), codes made readable. The month's
-- population is counted on its last day. raw.scb_population_monthly holds each cell's current
-- version (the loader replaces a table's cells with the newest run's), so this is a projection.
with source as (
    select * from {{ source('scb', 'scb_population_monthly') }}
),

landing_files as (
    select * from {{ source('scb', 'landing_files') }}
),

renamed as (
    select
        -- the cell
        c.table_id,
        c.region                                   as region_code,
        c.tid                                      as month_code,
        cast(left(c.tid, 4) as integer)            as year,
        cast(substr(c.tid, 6, 2) as integer)       as month,
        {{ scb_sex('c.kon') }} as sex,
        case
            when c.alder is null or c.alder = 'TotSA' then 'total'
            when c.alder in ('100+', '100+1') then '100'
            when c.alder = '100+10' then '100+'
            else c.alder
        end                                        as age_code,
        case
            when c.alder is null or c.alder = 'TotSA' then 'total'
            when c.alder = '100+10' or regexp_full_match(c.alder, '\d+-\d+') and
                 cast(split_part(c.alder, '-', 2) as integer) - cast(split_part(c.alder, '-', 1) as integer) = 9
                then 'ten_year'
            when c.alder = '100+' or regexp_full_match(c.alder, '\d+') then 'single'
            else 'other'
        end                                        as age_kind,
        c.contents_code,
        -- the figure
        c.value                                    as population,
        c.status,
        -- provenance
        f.source_mode,
        f.fetched_at,
        c.sha256,
        -- derived
        last_day(make_date(year, month, 1))        as reference_date,
        try_cast(age_code as integer)              as age_years
    from source c
    join landing_files f using (sha256)
    where c.value is not null   -- no figure (a status marker says why): nothing to count
)

select * from renamed where age_kind <> 'other'   -- 5-year groups are not used
