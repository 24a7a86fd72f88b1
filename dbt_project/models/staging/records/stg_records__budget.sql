with source as (
    select * from {{ records_latest("records_budget", ["år", "kategori"]) }}
),

renamed as (
    select
        -- the budget line
        cast("år" as integer)                             as year,
        "kategori"                                        as category,
        case when "kategori" = 'intäkter' then 'income' else 'cost' end as category_type,
        -- amounts, tkr
        cast("budget_tkr" as decimal(14, 3))              as budget_tkr,
        cast("utfall_tkr" as decimal(14, 3))              as outcome_tkr,
        -- provenance
        "rad_i_källan"                                    as line_in_source,
        {{ records_provenance_columns() }}
    from source
)

select * from renamed
