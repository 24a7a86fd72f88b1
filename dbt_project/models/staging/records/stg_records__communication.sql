with source as (
    select * from {{ records_latest("records_communication", ["år", "kanal", "mått", "avser"]) }}
),

renamed as (
    select
        -- what is counted
        cast("år" as integer)                             as year,
        "kanal"                                           as channel,
        "mått"                                            as metric,
        coalesce("avser", '(hela kanalen)')               as subject,
        -- the figure
        cast("värde" as bigint)                           as value,
        coalesce(cast("ungefärligt" as boolean), false)   as is_approximate,
        "period"                                          as period,
        cast("förändring_pct_enligt_källa" as decimal(8, 1)) as quoted_change_pct,
        -- provenance
        {{ records_provenance_columns() }}
    from source
)

select * from renamed
